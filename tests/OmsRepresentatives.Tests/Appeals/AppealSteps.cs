using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.OmsRepresentatives.Appeals;
using Platform.OmsRepresentatives.Tests.Service;
using UglyToad.PdfPig;

namespace Platform.OmsRepresentatives.Tests.Appeals;

/// <summary>The SMO the letters of the appeals' tests come from: its profile, as its supervisor sets it.</summary>
internal static class AppealSettings
{
    public const string SmoName = "АО «Страховая компания «Здоровье»»";
    public const string SmoPhone = "8-800-100-00-00";

    /// <summary>Gives <paramref name="tenant"/> this SMO's name and phone (Moscow time).</summary>
    public static async Task ProfileAsync(this OmsFactory service, string tenant) =>
        (await service.Staff(tenant, "oms-supervisor").PutAsJsonAsync("/profile",
            new { name = SmoName, phone = SmoPhone, timeZone = "Europe/Moscow" })).EnsureSuccessStatusCode();
}

/// <summary>What the appeals' tests do through the API.</summary>
internal static class AppealSteps
{
    public static DateTimeOffset Now(this OmsFactory service) => service.Clock.GetUtcNow();

    public static AppealClock AppealClock(this OmsFactory service) => service.Services.GetRequiredService<AppealClock>();

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task<JsonElement> RegisterAsync(HttpClient client, object body) =>
        await OkAsync(await client.PostAsJsonAsync("/appeals", body), HttpStatusCode.Created);

    public static async Task<JsonElement> PostAsync(HttpClient client, string path, object body) =>
        await OkAsync(await client.PostAsJsonAsync(path, body));

    public static async Task<JsonElement> GetAsync(HttpClient client, string path) => await OkAsync(await client.GetAsync(path));

    public static string Number(this JsonElement appeal) => appeal.GetProperty("number").GetString()!;

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    /// <summary>The history's kinds in order.</summary>
    public static string[] HistoryKinds(this JsonElement appeal) =>
        [.. appeal.GetProperty("history").EnumerateArray().Select(h => h.Str("kind"))];

    public static object Phone(string kind, string name, string summary, string? organisation = null, int? wait = null) => new
    {
        channel = "phone", kind, applicant = new { name, phone = "+79161234567" }, summary, organisation, waitSeconds = wait,
    };

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The field names of a validation problem's errors.</summary>
    public static string[] Fields(this JsonElement problem) => [.. problem.GetProperty("errors").EnumerateObject().Select(p => p.Name)];

    public static async Task<string> PdfTextAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        return string.Join(" ", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }
}
