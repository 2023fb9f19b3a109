using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.OmsRepresentatives.Campaigns;
using Platform.OmsRepresentatives.Register;
using Platform.OmsRepresentatives.Tests.Register;
using Platform.OmsRepresentatives.Tests.Service;
using static Platform.OmsRepresentatives.Tests.Register.RegisterFile;

namespace Platform.OmsRepresentatives.Tests.Campaigns;

[Collection(OmsService.Name)]
public sealed class CampaignsTests(OmsFactory service)
{
    private DateOnly Today => Platform.OmsRepresentatives.Profile.SmoProfile.Default.DateAt(service.Clock.GetUtcNow());

    /// <summary>Born in January of the year that makes the person <paramref name="age"/> in the campaign's year.</summary>
    private string Aged(int age) => $"{Today.Year - age}-01-15";

    private static object Campaign(DateOnly startsOn, string[]? kinds = null, int sms = 1000, int calls = 1000, int clinic = 1000, string name = "Профилактика") =>
        new { name, year = startsOn.Year, kinds = kinds ?? PreventiveKinds.All.ToArray(), startsOn, smsPerDay = sms, callsPerDay = calls, clinicPerDay = clinic };

    private static async Task<CampaignView> PlanAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/campaigns", request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var view = (await response.Content.ReadFromJsonAsync<CampaignView>())!;
        Assert.Equal($"/campaigns/{view.Campaign.Id}", response.Headers.Location?.OriginalString);
        return view;
    }

    private async Task<List<(string Enp, string Kind, string Channel, string? Clinic, DateOnly Day, int Wave, long Id)>> InvitationsAsync(long campaign)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT enp, kind, channel, clinic_code, scheduled_on, wave, id FROM invitations WHERE campaign_id = @c ORDER BY enp, kind, wave", connection);
        cmd.Parameters.AddWithValue("c", campaign);
        var list = new List<(string, string, string, string?, DateOnly, int, long)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            list.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetFieldValue<DateOnly>(4), r.GetInt16(5), r.GetInt64(6)));
        return list;
    }

    private async Task ExecuteAsync(string sql, params (string, object)[] args)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Invites_whom_order_404n_makes_due_in_the_year_and_only_those_who_consented()
    {
        var tenant = OmsFactory.Tenant("camp");
        var client = service.ClientFor(tenant);
        var thisYear = Date(new DateOnly(Today.Year, 1, 10));
        await LoadAsync(client, [
            new Person(Enp(17), Born: Aged(17)),
            new Person(Enp(18), Born: Aged(18)),
            new Person(Enp(19), Born: Aged(19)),
            new Person(Enp(21), Born: Aged(21)),
            new Person(Enp(39), Born: Aged(39)),
            new Person(Enp(40), Born: Aged(40), Channel: "call"),
            new Person(Enp(25), Born: Aged(25), Disability: "3"),
            new Person(Enp(26), Born: Aged(26), InDepth: "true"),
            new Person(Enp(29), Born: Aged(29), Checkup: thisYear),          // checkup year, attended already
            new Person(Enp(41), Born: Aged(41), Dispanserization: thisYear), // attended already
            new Person(Enp(42), Born: Aged(42), Channel: ""),                // no consent
            new Person(Enp(43), Born: Aged(43), Dispanserization: $"{Today.Year - 1}-06-01"),
        ]);
        var view = await PlanAsync(client, Campaign(Today));

        var invited = (await InvitationsAsync(view.Campaign.Id)).Select(i => (i.Enp, i.Kind)).ToHashSet();
        var expected = new HashSet<(string, string)>
        {
            (Enp(18), "dispanserization"), (Enp(19), "checkup"), (Enp(21), "dispanserization"), (Enp(39), "dispanserization"),
            (Enp(40), "dispanserization"), (Enp(25), "dispanserization"), (Enp(26), "checkup"), (Enp(26), "in-depth"), (Enp(43), "dispanserization"),
        };
        Assert.Equal(expected, invited);
        Assert.Equal(9, view.Campaign.PlannedCount);
        Assert.Equal(1, view.Figures.Single(f => f is { Kind: "dispanserization", Channel: "call" }).Planned);
        Assert.Equal(5, view.Figures.Single(f => f is { Kind: "dispanserization", Channel: "sms" }).Planned);
        Assert.Equal(1, view.Campaign.Days);
        Assert.Equal([new DayFigures(Today, 8, 1)], view.PerDay);

        // Only the kinds asked for.
        var tenant2 = OmsFactory.Tenant("camp");
        var other = service.ClientFor(tenant2);
        await LoadAsync(other, [new Person(Enp(19), Born: Aged(19)), new Person(Enp(40), Born: Aged(40))]);
        var checkups = await PlanAsync(other, Campaign(Today, kinds: ["checkup"]));
        Assert.Equal([(Enp(19), "checkup")], (await InvitationsAsync(checkups.Campaign.Id)).Select(i => (i.Enp, i.Kind)));
    }

    [Fact]
    public async Task No_day_exceeds_the_sms_call_or_clinic_cap_and_everyone_due_is_planned_once()
    {
        var tenant = OmsFactory.Tenant("camp");
        var client = service.ClientFor(tenant);
        var people = Enumerable.Range(1, 90).Select(i => new Person(Enp(i), Born: Aged(45), Clinic: $"MO{i % 3}", Channel: i % 4 == 0 ? "call" : "sms")).ToList();
        await LoadAsync(client, people);
        var view = await PlanAsync(client, Campaign(Today, kinds: ["dispanserization"], sms: 11, calls: 4, clinic: 6));

        var invitations = await InvitationsAsync(view.Campaign.Id);
        Assert.Equal(people.Select(p => p.Enp).Order(), invitations.Select(i => i.Enp).Order());
        Assert.All(invitations.GroupBy(i => (i.Day, i.Channel)), g => Assert.True(g.Count() <= (g.Key.Channel == "sms" ? 11 : 4), $"{g.Key}: {g.Count()}"));
        Assert.All(invitations.GroupBy(i => (i.Day, i.Clinic)), g => Assert.True(g.Count() <= 6, $"{g.Key}: {g.Count()}"));
        Assert.True(invitations.Min(i => i.Day) == Today);
        // 3 clinics x 6 a day = 18 a day at most, so 90 need at least 5 days; the 22 calls at 4 a day 6, the 68 SMS at 11 a day 7.
        Assert.Equal(invitations.Max(i => i.Day).DayNumber - Today.DayNumber + 1, view.Campaign.Days);
        Assert.InRange(view.Campaign.Days, 7, 8);
        Assert.Equal(90, view.PerDay.Sum(d => d.Sms + d.Calls));
        Assert.All(view.PerDay, d => Assert.True(d.Sms <= 11 && d.Calls <= 4));
    }

    [Fact]
    public async Task Dispensary_patients_are_invited_once_through_their_list_first_by_their_next_visit()
    {
        var tenant = OmsFactory.Tenant("camp");
        var client = service.ClientFor(tenant);
        await LoadAsync(client, [new Person(Enp(1), Born: Aged(60)), new Person(Enp(2), Born: Aged(60)), new Person(Enp(3), Born: Aged(60), Channel: "")]);
        var list = await SendAsync(client, "/register/dispensary", $"""
            enp;diagnosis;clinic_code;next_visit_on
            {Enp(1)};I10;MO009;{Today.Year}-09-01
            {Enp(1)};E11.9;MO008;{Today.Year}-03-01
            {Enp(2)};I10;MO009;{Today.Year}-02-01
            {Enp(3)};I10;MO009;{Today.Year}-02-01
            {Enp(2)};J44.9;MO009;{Today.Year + 1}-02-01
            """);
        Assert.True(list.IsSuccessStatusCode, await list.Content.ReadAsStringAsync());
        var view = await PlanAsync(client, Campaign(Today, kinds: ["dispensary"], clinic: 1));
        var invitations = await InvitationsAsync(view.Campaign.Id);
        Assert.Equal([(Enp(1), "MO008"), (Enp(2), "MO009")], invitations.Select(i => (i.Enp, i.Clinic!)));
        Assert.All(invitations, i => Assert.Equal(Today, i.Day)); // two clinics, one a day each
    }

    [Fact]
    public async Task A_person_invited_by_a_standing_campaign_is_not_invited_again_for_the_kind_and_year_until_it_is_cancelled()
    {
        var tenant = OmsFactory.Tenant("camp");
        var client = service.ClientFor(tenant);
        await LoadAsync(client, [new Person(Enp(1), Born: Aged(19), InDepth: "true"), new Person(Enp(2), Born: Aged(19))]);
        var first = await PlanAsync(client, Campaign(Today, kinds: ["checkup"]));
        Assert.Equal(2, first.Campaign.PlannedCount);
        var second = await PlanAsync(client, Campaign(Today, kinds: ["checkup", "in-depth"]));
        Assert.Equal([(Enp(1), "in-depth")], (await InvitationsAsync(second.Campaign.Id)).Select(i => (i.Enp, i.Kind)));

        var cancelled = await client.PostAsync($"/campaigns/{first.Campaign.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var view = (await cancelled.Content.ReadFromJsonAsync<CampaignView>())!;
        Assert.Equal("cancelled", view.Campaign.Status);
        Assert.Equal(2, view.Figures.Single(f => f.Kind == "checkup").Cancelled);
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM invitations WHERE campaign_id = @c AND delivery <> 'cancelled'", ("c", first.Campaign.Id)));
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/campaigns/{first.Campaign.Id}/cancel", null)).StatusCode);

        var third = await PlanAsync(client, Campaign(Today, kinds: ["checkup", "in-depth"]));
        Assert.Equal([(Enp(1), "checkup"), (Enp(2), "checkup")], (await InvitationsAsync(third.Campaign.Id)).Select(i => (i.Enp, i.Kind)));

        var list = (await client.GetFromJsonAsync<CampaignSummary[]>("/campaigns"))!;
        Assert.Equal([third.Campaign.Id, second.Campaign.Id, first.Campaign.Id], list.Select(c => c.Id));
    }

    [Fact]
    public async Task Representatives_get_the_days_call_list_with_a_script_and_record_outcomes()
    {
        var tenant = OmsFactory.Tenant("camp");
        var client = service.ClientFor(tenant);
        await LoadAsync(client, [
            new Person(Enp(1), "Орлова Нина Павловна", Born: Aged(50), Clinic: "MO7", Channel: "call", Phone: "+79990000001"),
            new Person(Enp(2), Born: Aged(50), Channel: "sms"),
        ]);
        var view = await PlanAsync(client, Campaign(Today));
        var rep = service.Staff(tenant, "oms-tier1", "rep-7");
        var calls = (await rep.GetFromJsonAsync<CallListItem[]>($"/campaigns/{view.Campaign.Id}/calls?day={Date(Today)}"))!;
        var call = Assert.Single(calls);
        Assert.Equal((Enp(1), "Орлова Нина Павловна", "+79990000001", "dispanserization", "MO7"), (call.Enp, call.FullName, call.Phone, call.Kind, call.ClinicCode));
        Assert.Contains("Нина Павловна", call.Script);
        Assert.Contains("диспансеризац", call.Script);
        Assert.Empty((await rep.GetFromJsonAsync<CallListItem[]>($"/campaigns/{view.Campaign.Id}/calls?day={Date(Today.AddDays(1))}"))!);
        Assert.Equal(["day"], (await ErrorsAsync(await rep.GetAsync($"/campaigns/{view.Campaign.Id}/calls"))).Keys);
        Assert.Equal(["day"], (await ErrorsAsync(await rep.GetAsync($"/campaigns/{view.Campaign.Id}/calls?day=tomorrow"))).Keys);

        var recorded = await rep.PostAsJsonAsync($"/invitations/{call.InvitationId}/outcome", new { outcome = "refused", note = "Прошла платно" });
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        var invitation = (await recorded.Content.ReadFromJsonAsync<InvitationView>())!;
        Assert.Equal(("refused", "rep-7", "Прошла платно"), (invitation.Outcome, invitation.OutcomeBy, invitation.OutcomeNote));
        Assert.Equal(["outcome"], (await ErrorsAsync(await rep.PostAsJsonAsync($"/invitations/{call.InvitationId}/outcome", new { outcome = "maybe" }))).Keys);
        Assert.Equal(["outcome"], (await ErrorsAsync(await rep.PostAsJsonAsync($"/invitations/{call.InvitationId}/outcome", new { }))).Keys);

        var figures = (await client.GetFromJsonAsync<CampaignView>($"/campaigns/{view.Campaign.Id}"))!.Figures;
        Assert.Equal(1, figures.Single(f => f.Channel == "call").Refused);

        var person = (await rep.GetFromJsonAsync<InsuredView>($"/insured/{Enp(1)}"))!;
        Assert.Equal(("refused", view.Campaign.Name), (person.Invitations.Single().Outcome, person.Invitations.Single().CampaignName));

        // Once the campaign is cancelled, its pending invitations take no outcome.
        await client.PostAsync($"/campaigns/{view.Campaign.Id}/cancel", null);
        var sms = (await InvitationsAsync(view.Campaign.Id)).Single(i => i.Channel == "sms");
        Assert.Equal(HttpStatusCode.Conflict, (await rep.PostAsJsonAsync($"/invitations/{sms.Id}/outcome", new { outcome = "reached" })).StatusCode);
        Assert.Empty((await rep.GetFromJsonAsync<CallListItem[]>($"/campaigns/{view.Campaign.Id}/calls?day={Date(Today)}"))!);
    }

    [Fact]
    public async Task Attendance_reported_by_a_register_reload_closes_the_invitations_as_attended()
    {
        var tenant = OmsFactory.Tenant("camp");
        var client = service.ClientFor(tenant);
        var people = new[] { new Person(Enp(1), Born: Aged(19)), new Person(Enp(2), Born: Aged(50)), new Person(Enp(3), Born: Aged(50)) };
        await LoadAsync(client, people);
        var view = await PlanAsync(client, Campaign(Today));

        var reload = await LoadAsync(client, [
            people[0] with { Checkup = Date(Today) },
            people[1] with { Dispanserization = Date(Today) },
            people[2] with { Dispanserization = Date(Today.AddDays(-1)) }, // before the invitation's day: not its doing
        ]);
        Assert.Equal(2, reload.InvitationsAttended);
        Assert.Equal(2, await service.CountAsync("SELECT count(*) FROM invitations WHERE campaign_id = @c AND outcome = 'attended' AND outcome_by = 'register'", ("c", view.Campaign.Id)));
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM invitations WHERE enp = @e AND outcome IS NOT NULL", ("e", Enp(3))));
        var figures = (await client.GetFromJsonAsync<CampaignView>($"/campaigns/{view.Campaign.Id}"))!.Figures;
        Assert.Equal(2, figures.Sum(f => f.Attended));
        // A reload that changes nothing closes nothing more.
        Assert.Equal(0, (await LoadAsync(client, [people[0] with { Checkup = Date(Today) }])).InvitationsAttended);
    }

    [Fact]
    public async Task Reinvitation_is_a_new_wave_for_those_whose_last_invitation_ended_so_and_who_have_not_attended()
    {
        var tenant = OmsFactory.Tenant("camp");
        var client = service.ClientFor(tenant);
        await LoadAsync(client, Enumerable.Range(1, 6).Select(i => new Person(Enp(i), Born: Aged(50), Channel: i <= 4 ? "call" : "sms")));
        var view = await PlanAsync(client, Campaign(Today, calls: 2, sms: 2, clinic: 100));
        var invitations = (await InvitationsAsync(view.Campaign.Id)).ToDictionary(i => i.Enp);
        async Task Outcome(int person, string outcome) =>
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/invitations/{invitations[Enp(person)].Id}/outcome", new { outcome })).StatusCode);
        await Outcome(1, "unreachable");
        await Outcome(2, "refused");
        await Outcome(3, "reached");
        await Outcome(4, "unreachable");
        await Outcome(4, "attended");
        // The SMS area recorded person 5's SMS as undelivered; person 6's was delivered.
        await ExecuteAsync("UPDATE invitations SET delivery = 'undelivered' WHERE id = @id", ("id", invitations[Enp(5)].Id));
        await ExecuteAsync("UPDATE invitations SET delivery = 'delivered' WHERE id = @id", ("id", invitations[Enp(6)].Id));

        var startsOn = Today.AddDays(3);
        var response = await client.PostAsJsonAsync($"/campaigns/{view.Campaign.Id}/reinvite", new { outcomes = new[] { "unreachable", "undelivered" }, startsOn });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<ReinviteResult>())!.Invited);
        var second = (await InvitationsAsync(view.Campaign.Id)).Where(i => i.Wave == 2).ToList();
        Assert.Equal([Enp(1), Enp(5)], second.Select(i => i.Enp));
        Assert.All(second, i => Assert.Equal(startsOn, i.Day));

        // Their last invitation is now the pending second wave: asking again invites nobody.
        var again = await client.PostAsJsonAsync($"/campaigns/{view.Campaign.Id}/reinvite", new { outcomes = new[] { "unreachable", "undelivered", "refused" }, startsOn });
        Assert.Equal(1, (await again.Content.ReadFromJsonAsync<ReinviteResult>())!.Invited); // person 2, refused
        var figures = (await client.GetFromJsonAsync<CampaignView>($"/campaigns/{view.Campaign.Id}"))!;
        Assert.Equal(9, figures.Campaign.PlannedCount);
        // Calls cap 2 a day on the start day: person 1 and person 2 share it; the SMS of person 5 too.
        Assert.All(figures.PerDay, d => Assert.True(d.Calls <= 2 && d.Sms <= 2));

        var errors = await ErrorsAsync(await client.PostAsJsonAsync($"/campaigns/{view.Campaign.Id}/reinvite", new { outcomes = new[] { "attended" } }));
        Assert.Equal(["outcomes[0]", "startsOn"], errors.Keys.Order());
        await client.PostAsync($"/campaigns/{view.Campaign.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync($"/campaigns/{view.Campaign.Id}/reinvite", new { outcomes = new[] { "refused" }, startsOn })).StatusCode);
    }

    [Fact]
    public async Task Another_SMOs_campaign_and_invitations_answer_as_missing()
    {
        var tenant = OmsFactory.Tenant("camp");
        var client = service.ClientFor(tenant);
        await LoadAsync(client, [new Person(Enp(1), Born: Aged(50), Channel: "call")]);
        var view = await PlanAsync(client, Campaign(Today));
        var invitation = (await InvitationsAsync(view.Campaign.Id)).Single();

        var other = service.ClientFor(OmsFactory.Tenant("other"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/campaigns/{view.Campaign.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/campaigns/{view.Campaign.Id}/calls?day={Date(Today)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/campaigns/{view.Campaign.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/campaigns/{view.Campaign.Id}/reinvite", new { outcomes = new[] { "refused" }, startsOn = Today })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/invitations/{invitation.Id}/outcome", new { outcome = "reached" })).StatusCode);
        Assert.Empty((await other.GetFromJsonAsync<CampaignSummary[]>("/campaigns"))!);
        // The other SMO's campaign over its own (empty) register plans nobody.
        Assert.Equal(0, (await PlanAsync(other, Campaign(Today))).Campaign.PlannedCount);
        Assert.Equal("planned", (await client.GetFromJsonAsync<CampaignView>($"/campaigns/{view.Campaign.Id}"))!.Campaign.Status);
        Assert.Equal(1, (await client.GetFromJsonAsync<CampaignView>($"/campaigns/{view.Campaign.Id}"))!.Figures.Single().Planned);
    }

    [Fact]
    public async Task A_bad_campaign_is_refused_naming_each_field()
    {
        var client = service.ClientFor(OmsFactory.Tenant("camp"));
        var empty = await ErrorsAsync(await client.PostAsJsonAsync("/campaigns", new { }));
        Assert.Equal(["callsPerDay", "clinicPerDay", "kinds", "name", "smsPerDay", "startsOn", "year"], empty.Keys.Order());

        var bad = await ErrorsAsync(await client.PostAsJsonAsync("/campaigns", new
        {
            name = new string('x', 201), year = Today.Year + 5, kinds = new[] { "checkup", "vaccination" }, startsOn = Today.AddDays(-1),
            smsPerDay = 0, callsPerDay = -1, clinicPerDay = 2_000_000,
        }));
        Assert.Equal(["callsPerDay", "clinicPerDay", "kinds[1]", "name", "smsPerDay", "startsOn", "year"], bad.Keys.Order());

        var date = await ErrorsAsync(await client.PostAsync("/campaigns", new StringContent(
            """{"name":"x","year":2026,"kinds":["checkup"],"startsOn":"01.12.2026","smsPerDay":1,"callsPerDay":1,"clinicPerDay":1}""",
            System.Text.Encoding.UTF8, "application/json")));
        Assert.Equal(["startsOn"], date.Keys);
        Assert.Empty((await client.GetFromJsonAsync<CampaignSummary[]>("/campaigns"))!);
    }
}
