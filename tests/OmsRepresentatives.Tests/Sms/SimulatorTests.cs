using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.OmsRepresentatives.Tests.Sms;

/// <summary>The SMS gateway simulator's own API, over real HTTP.</summary>
[Collection(SmsService.Name)]
public sealed class SimulatorTests(SmsFactory service)
{
    private async Task<HttpResponseMessage> SendAsync(object body, string? key = SmsFactory.ApiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return await service.SimulatorApi.SendAsync(request);
    }

    [Fact]
    public async Task Refuses_a_request_without_the_api_key()
    {
        var body = new { sender = "SMO", messages = new[] { new { reference = "k1", to = "+79160000001", text = "Тест" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(body, key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(body, key: "wrong")).StatusCode);
    }

    [Fact]
    public async Task Answers_per_message_rejecting_numbers_not_in_e164_and_texts_over_ten_parts()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var to = SmsFactory.Phone();
        var answer = await (await SendAsync(new
        {
            sender = "SMO",
            messages = new[]
            {
                new { reference = $"{run}-ok", to, text = new string('ж', 670) },      // ten UCS-2 parts
                new { reference = $"{run}-long", to, text = new string('ж', 671) },    // eleven
                new { reference = $"{run}-local", to = "89160000000", text = "Тест" },
            },
        })).Content.ReadFromJsonAsync<JsonElement>();
        var outcomes = answer.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["accepted", "rejected", "rejected"], outcomes.Select(o => o.GetProperty("status").GetString()));
        Assert.StartsWith("sim-", outcomes[0].GetProperty("id").GetString());
        Assert.Contains("11 SMS parts", outcomes[1].GetProperty("error").GetString());
        Assert.Contains("E.164", outcomes[2].GetProperty("error").GetString());

        // What was sent, to one number; the same reference again sends nothing and answers the same id.
        var again = await (await SendAsync(new { sender = "SMO", messages = new[] { new { reference = $"{run}-ok", to, text = "другой" } } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(outcomes[0].GetProperty("id").GetString(), again.GetProperty("messages")[0].GetProperty("id").GetString());
        var list = await service.SimulatorApi.GetFromJsonAsync<JsonElement>($"/api/v1/messages?to={Uri.EscapeDataString(to)}");
        var sent = Assert.Single(list.EnumerateArray());
        Assert.Equal(10, sent.GetProperty("segments").GetInt32());
        Assert.Equal(2, sent.GetProperty("submissions").GetInt32());
        var after = await service.SimulatorApi.GetFromJsonAsync<JsonElement>(
            $"/api/v1/messages?to={Uri.EscapeDataString(to)}&after={sent.GetProperty("seq").GetInt64()}");
        Assert.Empty(after.EnumerateArray());
    }

    [Fact]
    public async Task Takes_at_most_a_thousand_messages_a_request()
    {
        var messages = Enumerable.Range(0, 1001).Select(i => new { reference = $"big-{i}", to = "+79160000002", text = "x" }).ToArray();
        var answer = await SendAsync(new { sender = "SMO", messages });
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.True((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("messages", out _));
    }
}
