using Platform.Tests;

namespace Platform.Intake.Tests;

public sealed class IntakeFactory() : ServiceFactory<Program>("intakedb");

public static class Appeals
{
    /// <summary>The daughter's first call from the case study: her father is in a US hospital.</summary>
    public static object Valid(string policyNumber = "TRV-2026-000117") => new
    {
        channel = "phone",
        caller = new { name = "Maria Ivanova", relation = "relative", phone = "+7 916 555-01-02", language = "ru" },
        insured = new { policyNumber, fullName = "Pyotr Ivanov", dateOfBirth = "1956-04-12" },
        location = new { country = "US", city = "Orlando", address = "AdventHealth Orlando" },
        description = "Father admitted to hospital in Orlando; the clinic asks who pays.",
    };
}
