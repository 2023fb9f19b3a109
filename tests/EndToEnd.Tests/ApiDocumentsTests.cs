using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Tests;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The API documents as the gateway serves them to clients (the services' documents with their servers through the
/// gateway and the Idempotency-Key it adds) are the ones checked in under <c>tests/ApiClient/OpenApi</c>, from which
/// the client in <c>tests/ApiClient</c> is generated. <c>tests/ApiClient/regenerate</c> runs this test with
/// <see cref="UpdateVariable"/> set, which writes the documents instead of comparing them, and then generates the client.
/// </summary>
public sealed class The_checked_in_api_documents(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    public const string UpdateVariable = "PLATFORM_UPDATE_API_DOCUMENTS";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // Documents are read by people too: Cyrillic examples and '+' as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Theory]
    [InlineData("gateway", "/openapi/v1.json")]
    [InlineData("intake", "/api/intake/openapi/v1.json")]
    [InlineData("cases", "/api/cases/openapi/v1.json")]
    [InlineData("clinics", "/api/clinics/openapi/v1.json")]
    [InlineData("billing", "/api/billing/openapi/v1.json")]
    [InlineData("repatriation", "/api/repatriation/openapi/v1.json")]
    [InlineData("oms", "/api/oms/openapi/v1.json")]
    public async Task Are_the_documents_the_gateway_serves(string name, string path)
    {
        var served = JsonNode.Parse(await platform.Anonymous.GetStringAsync(path))!.ToJsonString(Indented) + "\n";
        var file = Path.Combine(TestEnvironment.RepositoryRoot(), "tests", "ApiClient", "OpenApi", name + ".json");

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(file, served);
            return;
        }
        Assert.True(File.Exists(file), $"{file} is missing: run tests/ApiClient/regenerate");
        Assert.True(served == await File.ReadAllTextAsync(file),
            $"The {name} API document the gateway serves ({path}) differs from {file}: run tests/ApiClient/regenerate " +
            "and commit the documents and the client it generates.");
    }
}
