using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Platform.AppHost.Infrastructure;

namespace Platform.Tests;

/// <summary>
/// The AppHost's mail catcher (smtp4dev) and SMS stand-in, on free loopback ports, for one test class: what a service
/// sends is read back from their APIs. Stopped when disposed.
/// </summary>
public sealed class DeliveryServers : IAsyncDisposable
{
    private readonly DistributedApplication _app;

    private DeliveryServers(DistributedApplication app, string mail, string sms, Uri mailApi, Uri smsApi)
    {
        (_app, Mail, Sms) = (app, mail, sms);
        MailApi = new HttpClient { BaseAddress = mailApi };
        SmsApi = new HttpClient { BaseAddress = smsApi };
    }

    /// <summary>ConnectionStrings:mail for the service under test.</summary>
    public string Mail { get; }

    /// <summary>ConnectionStrings:sms for the service under test.</summary>
    public string Sms { get; }

    /// <summary>smtp4dev's API (/api/messages ...).</summary>
    public HttpClient MailApi { get; }

    /// <summary>The SMS stand-in's API (/messages, /outages).</summary>
    public HttpClient SmsApi { get; }

    public static async Task<DeliveryServers> StartAsync()
    {
        var ports = TestEnvironment.FreePorts(3);
        var builder = TestEnvironment.ServersBuilder();
        var mail = builder.AddMailServer("mail", ports[0], ports[1]);
        var sms = builder.AddSmsProvider("sms", ports[2]);
        var app = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await app.StartAsync(timeout.Token);
            foreach (var name in new[] { "mail", "sms" }) await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }
        catch (Exception e) when (e is DistributedApplicationException or OperationCanceledException)
        {
            throw new InvalidOperationException($"The mail and SMS servers did not start ({e.Message}):{await StartLog.DescribeAsync(app)}", e);
        }
        return new DeliveryServers(app,
            await mail.Resource.ConnectionStringExpression.GetValueAsync(default) ?? "",
            await sms.Resource.ConnectionStringExpression.GetValueAsync(default) ?? "",
            new Uri($"http://127.0.0.1:{ports[1]}"), new Uri($"http://127.0.0.1:{ports[2]}"));
    }

    /// <summary>The e-mails smtp4dev received for <paramref name="address"/>: subject and plain-text body, newest first.</summary>
    public async Task<IReadOnlyList<(string Subject, string Body, JsonElement Summary)>> MailsToAsync(string address)
    {
        var page = await MailApi.GetFromJsonAsync<JsonElement>("/api/messages?pageSize=100");
        var list = new List<(string, string, JsonElement)>();
        foreach (var m in page.GetProperty("results").EnumerateArray())
        {
            if (!m.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetString(), address, StringComparison.OrdinalIgnoreCase))) continue;
            var body = await MailApi.GetStringAsync($"/api/messages/{m.GetProperty("id").GetString()}/plaintext");
            list.Add((m.GetProperty("subject").GetString()!, body, m));
        }
        return list;
    }

    /// <summary>The SMS the stand-in received for <paramref name="number"/> (E.164), newest first.</summary>
    public async Task<IReadOnlyList<JsonElement>> SmsToAsync(string number) =>
        (await SmsApi.GetFromJsonAsync<JsonElement>($"/messages?to={Uri.EscapeDataString(number)}")).EnumerateArray().ToList();

    /// <summary>The stand-in answers the next <paramref name="count"/> sends to <paramref name="to"/> with <paramref name="status"/>.</summary>
    public async Task OutageAsync(string to, int count, int status = 503) =>
        (await SmsApi.PostAsJsonAsync("/outages", new { count, status, to })).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        MailApi.Dispose();
        SmsApi.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
