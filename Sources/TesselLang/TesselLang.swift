// The TesselLang module.
