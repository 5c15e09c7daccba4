// The TesselTestSupport module.
