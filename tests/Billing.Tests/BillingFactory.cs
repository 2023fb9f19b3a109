using Microsoft.AspNetCore.Hosting;
using Platform.Tests;

namespace Platform.Billing.Tests;

/// <summary>The billing service on a database of its own, against the real local servers.</summary>
public class BillingFactory() : ServiceFactory<Program>("billingdb")
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Billing:PayerName", "Acme Assistance");
        builder.UseSetting("Billing:PayerIdentifier", "ACMEASSIST");
        builder.UseSetting("Billing:PayerAddress", "1 Example Street, Limassol, CY");
        builder.UseSetting("Billing:PayerEmail", "claims@acme.example");
    }
}
