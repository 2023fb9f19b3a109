using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.OmsRepresentatives.Campaigns;
using Platform.OmsRepresentatives.Sms;
using Platform.OmsRepresentatives.Tests.Service;
using Platform.Tests;

namespace Platform.OmsRepresentatives.Tests.Sms;

[Collection(SmsService.Name)]
public sealed class SmsDispatchTests(SmsFactory service)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const string Smo = "СМО «Здоровье»", SmoPhone = "8-800-100-20-30";

    [Fact]
    public async Task Sends_todays_reminders_and_the_receipts_mark_them_delivered_or_undelivered_but_not_tomorrows_nor_a_cancelled_campaigns()
    {
        var tenant = OmsFactory.Tenant("sms-today");
        await service.ProfileAsync(tenant, Smo, SmoPhone);
        var today = service.Today;
        var campaign = await service.CampaignAsync(tenant);
        var cancelled = await service.CampaignAsync(tenant, status: "cancelled");
        var (anna, absent, plain) = (SmsFactory.Phone(), SmsFactory.Phone(99), SmsFactory.Phone());
        var due = await service.InvitationsAsync(tenant, campaign, today,
            [(anna, PreventiveKinds.Dispanserization, "Петрова Анна Сергеевна"), (absent, PreventiveKinds.Checkup, "Сидоров Пётр Ильич"),
             (plain, PreventiveKinds.Dispensary, null)]);
        var tomorrow = await service.InvitationsAsync(tenant, campaign, today.AddDays(1), [(SmsFactory.Phone(), PreventiveKinds.Checkup, null)]);
        var ofCancelled = await service.InvitationsAsync(tenant, cancelled, today, [(SmsFactory.Phone(), PreventiveKinds.Checkup, null)]);
        try
        {
            await Eventually.True(async () => (await service.DeliveryAsync(tenant)).Where(r => due.Contains(r.Key)).All(r => r.Value.Delivery is "delivered" or "undelivered"),
                Wait, "today's reminders were sent and their delivery receipts applied");

            var rows = await service.DeliveryAsync(tenant);
            Assert.Equal("delivered", rows[due[0]].Delivery);
            Assert.NotNull(rows[due[0]].DeliveredAt);
            Assert.Equal("undelivered", rows[due[1]].Delivery);
            Assert.Equal("Absent subscriber.", rows[due[1]].LastError);
            Assert.Null(rows[due[1]].DeliveredAt);
            Assert.Equal("delivered", rows[due[2]].Delivery);
            Assert.All(due, id => Assert.Equal(1, rows[id].Attempts));
            Assert.Equal("pending", rows[tomorrow[0]].Delivery);
            Assert.Equal("pending", rows[ofCancelled[0]].Delivery);

            var sent = await service.StandInMessagesAsync(due.Concat(tomorrow).Concat(ofCancelled));
            Assert.Equal(due.Order(), sent.Keys.Order());
            var toAnna = sent[due[0]];
            Assert.Equal(anna, toAnna.GetProperty("to").GetString());
            Assert.Equal($"oms-invitation-{due[0]}", toAnna.GetProperty("reference").GetString());
            Assert.Equal(rows[due[0]].ProviderId, toAnna.GetProperty("id").GetString());
            Assert.Equal(SmsFactory.Sender, toAnna.GetProperty("sender").GetString()); // the profile names no sender
            Assert.Equal(ReminderTexts.For(PreventiveKinds.Dispanserization, "Петрова Анна Сергеевна", 2026, "770101", Smo, SmoPhone),
                toAnna.GetProperty("text").GetString());
            Assert.StartsWith("Анна Сергеевна, пройдите в 2026 г. бесплатную диспансеризацию в поликлинике 770101.", toAnna.GetProperty("text").GetString());
            Assert.EndsWith($"{Smo}, {SmoPhone}", toAnna.GetProperty("text").GetString());
            Assert.StartsWith("Пройдите в 2026 г. диспансерный осмотр у врача в поликлинике 770101.", sent[due[2]].GetProperty("text").GetString());
            Assert.All(sent.Values, m => Assert.True(m.GetProperty("segments").GetInt32() <= 2));
            Assert.Equal("undelivered", sent[due[1]].GetProperty("status").GetString());

            // Today's figures for the supervisor: the SMO's date, by delivery state.
            var status = await service.Staff(tenant, "oms-supervisor").GetFromJsonAsync<JsonElement>("/sms/status");
            Assert.Equal(today.ToString("yyyy-MM-dd"), status.GetProperty("date").GetString());
            Assert.Equal("Europe/Moscow", status.GetProperty("timeZone").GetString());
            Assert.Equal(2, status.GetProperty("delivered").GetInt32());
            Assert.Equal(1, status.GetProperty("undelivered").GetInt32());
            Assert.Equal(0, status.GetProperty("pending").GetInt32());
            Assert.True(status.GetProperty("window").GetProperty("open").GetBoolean());

            // The next day, tomorrow's goes out; the cancelled campaign's never does.
            service.Clock.Advance(TimeSpan.FromDays(1));
            await Eventually.True(async () => (await service.DeliveryAsync(tenant))[tomorrow[0]].Delivery == "delivered", Wait, "tomorrow's reminder went out the next day");
            await Task.Delay(500);
            Assert.Equal("pending", (await service.DeliveryAsync(tenant))[ofCancelled[0]].Delivery);
            Assert.Empty(await service.StandInMessagesAsync(ofCancelled));
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task Each_smo_sends_by_its_own_date_and_signs_with_its_own_profile()
    {
        // A moment when it is already tomorrow in Vladivostok (UTC+10) but still today in Moscow (UTC+3): 15:00 UTC.
        var now = service.Clock.GetUtcNow();
        var next = new DateTimeOffset(now.UtcDateTime.Date.AddHours(15), TimeSpan.Zero);
        if (next <= now) next = next.AddDays(1);
        service.Clock.Advance(next - now);

        var east = OmsFactory.Tenant("sms-east");
        var west = OmsFactory.Tenant("sms-west");
        await service.ProfileAsync(east, "СМО «Восток»", "8 423 200-00-00", "Asia/Vladivostok", "VOSTOK");
        var moscowToday = service.Today;
        var eastToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(service.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Vladivostok")).DateTime);
        Assert.Equal(moscowToday.AddDays(1), eastToday);

        var eastIds = await service.InvitationsAsync(east, await service.CampaignAsync(east), eastToday, [(SmsFactory.Phone(), PreventiveKinds.Checkup, null)]);
        var westIds = await service.InvitationsAsync(west, await service.CampaignAsync(west), eastToday, [(SmsFactory.Phone(), PreventiveKinds.Checkup, null)]);
        try
        {
            await Eventually.True(async () => (await service.DeliveryAsync(east))[eastIds[0]].Delivery == "delivered", Wait,
                "the Vladivostok SMO's reminder of its today went out");
            await Task.Delay(1000);
            Assert.Equal("pending", (await service.DeliveryAsync(west))[westIds[0]].Delivery); // Moscow's tomorrow
            Assert.Empty(await service.StandInMessagesAsync(westIds));

            var sms = (await service.StandInMessagesAsync(eastIds))[eastIds[0]];
            Assert.Equal($"Пройдите в 2026 г. бесплатный профосмотр в поликлинике 770101. СМО «Восток», 8 423 200-00-00", sms.GetProperty("text").GetString());
            Assert.Equal("VOSTOK", sms.GetProperty("sender").GetString());

            var status = await service.Staff(east, "oms-supervisor").GetFromJsonAsync<JsonElement>("/sms/status");
            Assert.Equal(eastToday.ToString("yyyy-MM-dd"), status.GetProperty("date").GetString());
            Assert.Equal("Asia/Vladivostok", status.GetProperty("timeZone").GetString());
            Assert.Equal(1, status.GetProperty("delivered").GetInt32());
            var westStatus = await service.Staff(west, "oms-supervisor").GetFromJsonAsync<JsonElement>("/sms/status");
            Assert.Equal(moscowToday.ToString("yyyy-MM-dd"), westStatus.GetProperty("date").GetString());
            Assert.Equal(0, westStatus.GetProperty("pending").GetInt32()); // its invitation is tomorrow's
        }
        finally
        {
            await service.CancelLeftoversAsync(east);
            await service.CancelLeftoversAsync(west);
        }
    }

    [Fact]
    public async Task A_profile_whose_name_and_phone_would_not_fit_two_sms_is_refused()
    {
        var tenant = OmsFactory.Tenant("sms-profile");
        var response = await service.ClientFor(tenant).PutAsJsonAsync("/profile",
            new { name = new string('С', 120), phone = "8 800 100-00-00", timeZone = "Europe/Moscow" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _));
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM smo_profiles WHERE tenant_id = @t", ("t", tenant)));
    }

    [Fact]
    public async Task Sends_no_more_than_the_configured_number_a_second()
    {
        var tenant = OmsFactory.Tenant("sms-rate");
        var campaign = await service.CampaignAsync(tenant);
        const int count = 120;
        var ids = await service.InvitationsAsync(tenant, campaign, service.Today,
            [.. Enumerable.Range(0, count).Select(_ => (SmsFactory.Phone(), PreventiveKinds.Checkup, (string?)null))]);
        try
        {
            await Eventually.True(async () => (await service.StandInMessagesAsync(ids)).Count == count, Wait, "all were sent");
            var times = (await service.StandInMessagesAsync(ids)).Values.Select(m => m.GetProperty("receivedAt").GetDateTimeOffset()).Order().ToList();
            var span = times[^1] - times[0];
            // A full window may go at once, every further PerSecond take a second at least.
            var least = TimeSpan.FromSeconds((double)(count - SmsFactory.PerSecond) / SmsFactory.PerSecond);
            Assert.True(span >= least * 0.95, $"{count} SMS went out within {span.TotalSeconds:0.00} s, faster than {SmsFactory.PerSecond} a second allows ({least.TotalSeconds:0.00} s).");
            // Roughly no more than PerSecond in any second: each request's answer takes its own time, so a quarter more is allowed.
            var busiest = times.Select((t, i) => times.Skip(i).TakeWhile(u => u - t < TimeSpan.FromSeconds(1)).Count()).Max();
            Assert.True(busiest <= SmsFactory.PerSecond * 1.25, $"{busiest} SMS went out within a second (at most {SmsFactory.PerSecond} a second).");
            Console.WriteLine($"Throttle at {SmsFactory.PerSecond}/s: {count} SMS in {span.TotalSeconds:0.00} s, {(count - 1) / span.TotalSeconds:0.0}/s, at most {busiest} in one second.");
            Assert.True(span < TimeSpan.FromSeconds(15), $"the throttle held them back too long: {span.TotalSeconds:0.00} s");
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task A_provider_outage_leaves_them_pending_with_the_error_and_they_go_out_once_it_is_back()
    {
        var tenant = OmsFactory.Tenant("sms-outage");
        var campaign = await service.CampaignAsync(tenant);
        // The stand-in answers the next two sends, to any number, 500: the whole chunk fails, as when the provider is down.
        (await service.Delivery.SmsApi.PostAsJsonAsync("/outages", new { count = 2, status = 500 })).EnsureSuccessStatusCode();
        var ids = await service.InvitationsAsync(tenant, campaign, service.Today,
            [(SmsFactory.Phone(), PreventiveKinds.Checkup, null), (SmsFactory.Phone(), PreventiveKinds.InDepth, null)]);
        try
        {
            await Eventually.True(async () => (await service.DeliveryAsync(tenant)).Values.All(r => r.Attempts == 1 && r.Delivery == "pending"),
                Wait, "the failed attempt was recorded");
            var rows = await service.DeliveryAsync(tenant);
            Assert.All(rows.Values, r => Assert.Contains("500", r.LastError));
            Assert.All(rows.Values, r => Assert.Null(r.ProviderId));
            var status = await service.Staff(tenant, "oms-supervisor").GetFromJsonAsync<JsonElement>("/sms/status");
            Assert.Contains("500", status.GetProperty("provider").GetProperty("lastError").GetString());
            Assert.Equal(2, status.GetProperty("pending").GetInt32());
            // Not tried again before the backoff has passed.
            await Task.Delay(1000);
            Assert.All((await service.DeliveryAsync(tenant)).Values, r => Assert.Equal(1, r.Attempts));
            Assert.Empty(await service.StandInMessagesAsync(ids));

            // The outage is over (its two answers were given); after the backoff they go out.
            service.Clock.Advance(TimeSpan.FromMinutes(2));
            await Eventually.True(async () => (await service.DeliveryAsync(tenant)).Values.All(r => r.Delivery == "delivered"), Wait, "they went out once the provider was back");
            Assert.All((await service.DeliveryAsync(tenant)).Values, r => Assert.Equal(2, r.Attempts));
            Assert.Equal(2, (await service.StandInMessagesAsync(ids)).Count);
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task Each_message_has_its_own_outcome_sent_refused_for_good_or_tried_again_later()
    {
        var tenant = OmsFactory.Tenant("sms-each");
        var campaign = await service.CampaignAsync(tenant);
        var (busy, fine) = (SmsFactory.Phone(), SmsFactory.Phone());
        await service.Delivery.OutageAsync(busy, 1, 503); // one 503 to this number only
        var ids = await service.InvitationsAsync(tenant, campaign, service.Today,
            [(busy, PreventiveKinds.Checkup, null), (fine, PreventiveKinds.Checkup, null), ("12-34", PreventiveKinds.Checkup, null)]);
        try
        {
            await Eventually.True(async () => (await service.DeliveryAsync(tenant)).Values.All(r => r.Attempts == 1 && r.Delivery != "sending" && r.Delivery != "sent"),
                Wait, "each message's outcome was recorded");
            var rows = await service.DeliveryAsync(tenant);
            Assert.Equal("pending", rows[ids[0]].Delivery);
            Assert.Contains("503", rows[ids[0]].LastError);
            Assert.Equal("delivered", rows[ids[1]].Delivery);
            Assert.Equal("undelivered", rows[ids[2]].Delivery); // a number the provider refuses: not tried again
            Assert.Contains("400", rows[ids[2]].LastError);
            Assert.Contains("E.164", rows[ids[2]].LastError);

            service.Clock.Advance(TimeSpan.FromMinutes(2));
            await Eventually.True(async () => (await service.DeliveryAsync(tenant))[ids[0]].Delivery == "delivered", Wait, "the one to try again went out after its backoff");
            rows = await service.DeliveryAsync(tenant);
            Assert.Equal(2, rows[ids[0]].Attempts);
            Assert.Equal(1, rows[ids[1]].Attempts);
            Assert.Equal(1, rows[ids[2]].Attempts);
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task A_provider_that_is_missing_or_unreachable_is_tried_again_and_after_the_last_attempt_the_reminder_is_undelivered()
    {
        var tenant = OmsFactory.Tenant("sms-down");
        var campaign = await service.CampaignAsync(tenant);
        service.UseProvider("");
        try
        {
            var ids = await service.InvitationsAsync(tenant, campaign, service.Today, [(SmsFactory.Phone(), PreventiveKinds.Checkup, null)]);
            await Eventually.True(async () => (await service.DeliveryAsync(tenant))[ids[0]].Attempts == 1, Wait, "attempt 1 was recorded");
            Assert.Contains("No SMS provider is configured", (await service.DeliveryAsync(tenant))[ids[0]].LastError);
            // With no provider configured, no receipt is believed.
            var empty = """{"receipts":[]}"""u8.ToArray();
            using (var request = new HttpRequestMessage(HttpMethod.Post, "/sms/receipts") { Content = new ByteArrayContent(empty) })
            {
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                request.Headers.Add(Platform.Mail.SmsProvider.SignatureHeader, Platform.Mail.SmsProvider.Sign(service.ApiKey, empty));
                Assert.Equal(HttpStatusCode.Unauthorized, (await service.CreateClient().SendAsync(request)).StatusCode);
            }

            // A provider nothing listens at.
            service.UseProvider($"Endpoint=http://127.0.0.1:{TestEnvironment.FreePorts(1)[0]}/;ApiKey={service.ApiKey}");
            for (var attempt = 2; attempt <= 5; attempt++)
            {
                service.Clock.Advance(TimeSpan.FromMinutes(40)); // past the longest backoff (30 minutes)
                await Eventually.True(async () => (await service.DeliveryAsync(tenant))[ids[0]].Attempts == attempt, Wait, $"attempt {attempt} was recorded");
            }
            var row = (await service.DeliveryAsync(tenant))[ids[0]];
            Assert.Equal("undelivered", row.Delivery);
            Assert.Contains("could not be reached", row.LastError);
        }
        finally
        {
            service.UseProvider(null);
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task Two_dispatchers_over_one_database_never_send_an_invitation_twice()
    {
        var tenant = OmsFactory.Tenant("sms-twice");
        var campaign = await service.CampaignAsync(tenant);
        const int count = 150;
        var ids = await service.InvitationsAsync(tenant, campaign, service.Today,
            [.. Enumerable.Range(0, count).Select(_ => (SmsFactory.Phone(), PreventiveKinds.Dispanserization, (string?)"Иванов Иван Иванович"))]);
        try
        {
            // Two more senders over the same database (as two more replicas would be), racing the service's own.
            var others = Enumerable.Range(0, 2).Select(_ => ActivatorUtilities.CreateInstance<SmsDispatcher>(service.Services)).ToList();
            await Task.WhenAll(others.Select(d => Task.Run(async () =>
            {
                var deadline = DateTime.UtcNow + Wait;
                while (DateTime.UtcNow < deadline && (await service.DeliveryAsync(tenant)).Values.Any(r => r.Delivery is "pending" or "sending"))
                    await d.SendBatchAsync(CancellationToken.None);
            })));
            await Eventually.True(async () => (await service.DeliveryAsync(tenant)).Values.All(r => r.Delivery == "delivered"), Wait, "all were delivered");

            var rows = await service.DeliveryAsync(tenant);
            Assert.All(rows.Values, r => Assert.Equal(1, r.Attempts));
            Assert.Equal(count, rows.Values.Select(r => r.ProviderId).Distinct().Count());
            foreach (var id in ids)
            {
                var listed = await service.StandInByReferenceAsync(id);
                Assert.Single(listed);
                Assert.Equal(1, listed[0].GetProperty("submissions").GetInt32()); // sent once, not resent and de-duplicated
            }
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task A_reminder_left_sending_by_a_stopped_replica_is_taken_again()
    {
        var tenant = OmsFactory.Tenant("sms-stuck");
        var campaign = await service.CampaignAsync(tenant);
        // Not due when written (so that no sender takes it first), then claimed by a replica that stops: due today, 'sending'.
        var ids = await service.InvitationsAsync(tenant, campaign, service.Today.AddDays(30), [(SmsFactory.Phone(), PreventiveKinds.Checkup, null)]);
        try
        {
            Assert.Equal(1, await service.CountAsync(
                "WITH u AS (UPDATE invitations SET delivery = 'sending', next_attempt_at = @until, scheduled_on = @today WHERE id = @id RETURNING 1) SELECT count(*) FROM u",
                ("id", ids[0]), ("until", service.Clock.GetUtcNow() + TimeSpan.FromMinutes(5)), ("today", service.Today)));
            await Task.Delay(1000);
            Assert.Equal("sending", (await service.DeliveryAsync(tenant))[ids[0]].Delivery); // its claim holds
            service.Clock.Advance(TimeSpan.FromMinutes(6));
            await Eventually.True(async () => (await service.DeliveryAsync(tenant))[ids[0]].Delivery == "delivered", Wait, "the stuck reminder was sent");
            Assert.Equal(2, (await service.DeliveryAsync(tenant))[ids[0]].Attempts);
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task The_receipts_endpoint_refuses_a_wrong_key_names_wrong_fields_and_applies_a_receipt_once()
    {
        var tenant = OmsFactory.Tenant("sms-receipts");
        var campaign = await service.CampaignAsync(tenant);
        var ids = await service.InvitationsAsync(tenant, campaign, service.Today.AddDays(30), [(SmsFactory.Phone(), PreventiveKinds.Checkup, null)]);
        var providerId = $"test-{Guid.NewGuid():N}";
        try
        {
            // Sent, but the provider's id not yet recorded (the receipt may come first): the receipt records it.
            await service.CountAsync(
                "WITH u AS (UPDATE invitations SET delivery = 'sent', sent_at = now() WHERE id = @id RETURNING 1) SELECT count(*) FROM u", ("id", ids[0]));
            using var provider = service.CreateClient();
            var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(3));
            object Body(string status) => new
            {
                receipts = new object[]
                {
                    new { id = providerId, reference = $"oms-invitation-{ids[0]}", status, at },
                    new { id = "no-such-id", reference = "oms-invitation-999999999999", status = "delivered", at },
                    new { id = "of-another", reference = "case-message-1", status = "delivered", at },
                },
            };

            // Signed as the provider signs: the body's HMAC with its key; or, to be refused, with another key, over
            // another body, the key itself in the header, or no header at all.
            async Task<HttpResponseMessage> PostAsync(string? signWith, object body, Func<byte[], string>? signature = null)
            {
                var bytes = JsonSerializer.SerializeToUtf8Bytes(body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
                using var request = new HttpRequestMessage(HttpMethod.Post, "/sms/receipts") { Content = new ByteArrayContent(bytes) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                var header = signature?.Invoke(bytes) ?? (signWith is null ? null : Platform.Mail.SmsProvider.Sign(signWith, bytes));
                if (header is not null) request.Headers.TryAddWithoutValidation(Platform.Mail.SmsProvider.SignatureHeader, header);
                return await provider.SendAsync(request);
            }

            var key = service.ApiKey;
            var forged = new Func<byte[], string>[]
            {
                _ => Platform.Mail.SmsProvider.Sign(key, "{\"receipts\":[]}"u8), // another body's signature
                _ => key,                                                           // the key itself
                bytes => Platform.Mail.SmsProvider.Sign(key, bytes) is var real
                    ? real[..^1] + (real[^1] == '0' ? "1" : "0") : "",               // one digit off
            };
            foreach (var attempt in new (string? Key, Func<byte[], string>? Signature)[] { (null, null), ("wrong-key", null), (key + "x", null) }
                         .Concat(forged.Select(f => (Key: (string?)key, Signature: (Func<byte[], string>?)f))))
            {
                var refused = await PostAsync(attempt.Key, Body("delivered"), attempt.Signature);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                Assert.Equal("urn:platform:problem:unauthenticated", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
            }
            Assert.Equal("sent", (await service.DeliveryAsync(tenant))[ids[0]].Delivery);

            var bad = await PostAsync(key, new { receipts = new object[] { new { id = providerId, reference = $"oms-invitation-{ids[0]}", status = "read" }, new { status = "delivered" } } });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty("receipts[0].status", out _));
            Assert.True(errors.TryGetProperty("receipts[1].reference", out _));
            Assert.Equal("sent", (await service.DeliveryAsync(tenant))[ids[0]].Delivery);
            Assert.True((await PostAsync(key, new { })).StatusCode == HttpStatusCode.BadRequest);

            for (var i = 0; i < 2; i++)
            {
                var ok = await PostAsync(key, Body("delivered"));
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                var applied = await ok.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(1, applied.GetProperty("applied").GetInt32());
                Assert.Equal(2, applied.GetProperty("unknown").GetInt32());
            }
            // A late contrary receipt does not undo the first outcome.
            (await PostAsync(key, Body("undelivered"))).EnsureSuccessStatusCode();
            var row = (await service.DeliveryAsync(tenant))[ids[0]];
            Assert.Equal("delivered", row.Delivery);
            Assert.Equal(at, row.DeliveredAt);
            Assert.Equal(providerId, row.ProviderId);
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public Task Names_who_may_call_it() => AccessMatrix.VerifyAsync(service);
}
