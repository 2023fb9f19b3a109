using Microsoft.AspNetCore.Hosting;
using Platform.Tests;

namespace Platform.ClinicNetwork.Tests;

/// <summary>The clinic network service on a database of its own (with PostGIS), against the real local servers.</summary>
public class ClinicsFactory() : ServiceFactory<Program>("clinicsdb")
{
    public const string LinkSecret = "test-guarantee-link-secret-0123456789abcdef";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Guarantees:AssistanceName", "Acme Assistance");
        builder.UseSetting("Guarantees:AssistancePhone", "+7 495 555-01-99");
        builder.UseSetting("Guarantees:PublicBaseUrl", "https://api.test.example/api/clinics");
        builder.UseSetting("Guarantees:LinkSecret", LinkSecret);
        builder.UseSetting("Guarantees:MailFrom", "Acme Assistance <gop@acme.example>");
    }
}
