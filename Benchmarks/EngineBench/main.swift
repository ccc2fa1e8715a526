print("EngineBench")
