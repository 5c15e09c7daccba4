// The TesselInterpreter module.
