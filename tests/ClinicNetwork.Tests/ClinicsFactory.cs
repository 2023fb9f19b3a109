using Platform.Tests;

namespace Platform.ClinicNetwork.Tests;

/// <summary>The clinic network service on a database of its own (with PostGIS), against the real local servers.</summary>
public sealed class ClinicsFactory() : ServiceFactory<Program>("clinicsdb");
