// The TesselMachine module.
