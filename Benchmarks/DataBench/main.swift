print("DataBench")
