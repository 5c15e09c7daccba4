// The TesselNumerics module.
