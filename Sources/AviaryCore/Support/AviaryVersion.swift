/// The version of this program, recorded in lineage and printed by `aviary --version`.
public enum AviaryVersion {
    public static let current = "0.1.0"
}
