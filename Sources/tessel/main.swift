print("tessel")
