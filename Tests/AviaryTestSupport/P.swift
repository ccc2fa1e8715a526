let _p = 0
