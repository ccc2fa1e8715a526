/// Layers, losses, optimizers, schedules, the model zoo and checkpoints, on AviaryTensor.
import AviaryTensor
