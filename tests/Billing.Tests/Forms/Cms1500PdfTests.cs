using Platform.Billing.Forms;

namespace Platform.Billing.Tests.Forms;

public sealed class Cms1500PdfTests
{
    [Fact]
    public void Renders_sample()
    {
        File.WriteAllBytes("/tmp/forms/cms1500.pdf", Cms1500Pdf.Render(Samples.Professional(40), Samples.Payer));
    }
}
