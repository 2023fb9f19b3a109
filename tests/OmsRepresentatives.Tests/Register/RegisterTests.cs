using System.Net;
using System.Net.Http.Json;
using Platform.OmsRepresentatives.Register;
using Platform.OmsRepresentatives.Tests.Service;
using static Platform.OmsRepresentatives.Tests.Register.RegisterFile;

namespace Platform.OmsRepresentatives.Tests.Register;

[Collection(OmsService.Name)]
public sealed class RegisterTests(OmsFactory service)
{
    [Fact]
    public async Task A_load_creates_then_a_reload_updates_by_enp_with_either_delimiter()
    {
        var tenant = OmsFactory.Tenant("reg");
        var client = service.ClientFor(tenant);
        var first = await LoadAsync(client, [
            new Person(Enp(1)), new Person(Enp(2), "Петрова Анна Сергеевна", Sex: "Ж", Channel: "call"), new Person(Enp(3), Phone: "", Channel: ""),
        ]);
        Assert.Equal((3, 3, 0), (first.Rows, first.Created, first.Updated));

        var second = await LoadAsync(client, [
            new Person(Enp(2), "Петрова  Анна Сергеевна", Sex: "ж", Disability: "2", InDepth: "true", Checkup: "2025-03-04", Channel: ""),
            new Person(Enp(3)), new Person(Enp(4), Sex: "М"),
        ], delimiter: ',');
        Assert.Equal((3, 1, 2), (second.Rows, second.Created, second.Updated));
        Assert.True(second.ElapsedMs >= 0);
        Assert.Equal(4, await service.CountAsync("SELECT count(*) FROM insured WHERE tenant_id = @t", ("t", tenant)));

        var anna = (await client.GetFromJsonAsync<InsuredView>($"/insured/{Enp(2)}"))!.Person;
        Assert.Equal(("Петрова Анна Сергеевна", "f", 2, true, new DateOnly(2025, 3, 4), null), (anna.FullName, anna.Sex, anna.DisabilityGroup, anna.InDepth, anna.LastCheckupOn, anna.ReminderChannel));
        Assert.Equal("m", (await client.GetFromJsonAsync<InsuredView>($"/insured/{Enp(4)}"))!.Person.Sex);
    }

    [Fact]
    public async Task A_load_of_a_tenth_of_the_register_or_more_leaves_its_statistics_current()
    {
        var client = service.ClientFor(OmsFactory.Tenant("reg"));
        var before = await service.CountAsync("SELECT count(*) FROM insured");
        await LoadAsync(client, Enumerable.Range(1, (int)Math.Max(1_000, before / 5)).Select(i => new Person(Enp(i, prefix: 55))));

        // ANALYZE reads every row of a table this small: the planner now knows the register as it is, not as it was.
        Assert.Equal(await service.CountAsync("SELECT count(*) FROM insured"),
            await service.CountAsync("SELECT reltuples::bigint FROM pg_class WHERE oid = 'insured'::regclass"));
    }

    [Fact]
    public async Task A_file_with_bad_rows_writes_nothing_and_names_each_line_and_column()
    {
        var tenant = OmsFactory.Tenant("reg");
        var client = service.ClientFor(tenant);
        var today = Platform.OmsRepresentatives.Profile.SmoProfile.Default.DateAt(service.Clock.GetUtcNow());
        var response = await SendAsync(client, "/register", Csv([
            new Person(Enp(1)),                                      // line 2: good
            new Person("12345"),                                     // line 3
            new Person(Enp(3), Phone: "", Channel: "sms"),           // line 4: consent without a phone
            new Person(Enp(4), Born: "01.05.1980"),                  // line 5
            new Person(Enp(5), Sex: "x", Region: "7", Disability: "4", InDepth: "yes", Phone: "89161234567", Channel: "email"), // line 6
            new Person(Enp(1)),                                      // line 7: the ЕНП of line 2 again
            new Person(Enp(8), Checkup: Date(today.AddDays(1))),     // line 8: attended in the future
        ]));
        var errors = await ErrorsAsync(response);
        Assert.Contains("rows[3].enp", errors.Keys);
        Assert.Contains("rows[4].reminder_channel", errors.Keys);
        Assert.Contains("rows[5].birth_date", errors.Keys);
        foreach (var column in new[] { "sex", "region", "disability_group", "in_depth", "phone", "reminder_channel" })
            Assert.Contains($"rows[6].{column}", errors.Keys);
        Assert.Contains("line 2", errors["rows[7].enp"][0]);
        Assert.Contains("rows[8].last_checkup_on", errors.Keys);
        Assert.DoesNotContain(errors.Keys, k => k.StartsWith("rows[2]", StringComparison.Ordinal));
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM insured WHERE tenant_id = @t", ("t", tenant)));

        var header = await ErrorsAsync(await SendAsync(client, "/register", "enp;full_name;birth_date;region;colour\n" + Enp(1) + ";A B;1980-01-01;77;red\n"));
        Assert.Contains("rows[1].sex", header.Keys);
        Assert.Contains("rows[1].colour", header.Keys);
        var shape = await ErrorsAsync(await SendAsync(client, "/register", Csv([new Person(Enp(1))]) + "7700000000000002;only two\n"));
        Assert.Contains("rows[3]", shape.Keys);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsJsonAsync("/register", new { enp = Enp(1) })).StatusCode);
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM insured WHERE tenant_id = @t", ("t", tenant)));
    }

    [Fact]
    public async Task At_most_a_hundred_bad_rows_are_reported()
    {
        var client = service.ClientFor(OmsFactory.Tenant("reg"));
        var errors = await ErrorsAsync(await SendAsync(client, "/register", Csv(Enumerable.Range(1, 150).Select(i => new Person(Enp(i), Sex: "?")))));
        Assert.Equal(100, errors.Count);
        Assert.Contains("rows[101].sex", errors.Keys);
        Assert.DoesNotContain("rows[102].sex", errors.Keys);
    }

    [Fact]
    public async Task A_dispensary_list_replaces_its_clinics_rows_and_refuses_persons_outside_the_register()
    {
        var tenant = OmsFactory.Tenant("reg");
        var client = service.ClientFor(tenant);
        await LoadAsync(client, [new Person(Enp(1)), new Person(Enp(2)), new Person(Enp(3))]);
        var first = await SendAsync(client, "/register/dispensary", $"""
            enp;diagnosis;clinic_code;next_visit_on
            {Enp(1)};m86.6;MO001;2026-03-01
            {Enp(1)};I10;MO001;2026-05-01
            {Enp(2)};E11.9;MO002;2026-04-01
            """);
        Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync());
        var loaded = (await first.Content.ReadFromJsonAsync<DispensaryLoadResult>())!;
        Assert.Equal((3, 2, 0), (loaded.Rows, loaded.Clinics, loaded.Replaced));

        // MO001 sends its list again: one patient, one diagnosis; MO002's list stays.
        var again = await SendAsync(client, "/register/dispensary", $"enp,diagnosis,clinic_code,next_visit_on\n{Enp(3)},J44.9,MO001,2026-06-01\n");
        Assert.Equal(2, (await again.Content.ReadFromJsonAsync<DispensaryLoadResult>())!.Replaced);
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM dispensary_observations WHERE tenant_id = @t AND clinic_code = 'MO001'", ("t", tenant)));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM dispensary_observations WHERE tenant_id = @t AND clinic_code = 'MO002'", ("t", tenant)));
        var person = (await client.GetFromJsonAsync<InsuredView>($"/insured/{Enp(3)}"))!;
        Assert.Equal([new DispensaryRow("J44.9", "MO001", new DateOnly(2026, 6, 1))], person.Dispensary);

        var unknown = await ErrorsAsync(await SendAsync(client, "/register/dispensary", $"""
            enp;diagnosis;clinic_code;next_visit_on
            {Enp(1)};I10;MO003;2026-03-01
            {Enp(9)};I10;MO003;2026-03-01
            {Enp(2)};X;MO003;2026-13-01
            """));
        Assert.Equal(["rows[4].diagnosis", "rows[4].next_visit_on"], unknown.Keys.Order());
        var unknownOnly = await ErrorsAsync(await SendAsync(client, "/register/dispensary", $"enp;diagnosis;clinic_code;next_visit_on\n{Enp(1)};I10;MO003;2026-03-01\n{Enp(9)};I10;MO003;2026-03-01\n"));
        Assert.Equal(["rows[3].enp"], unknownOnly.Keys);
        Assert.Contains(Enp(9), unknownOnly["rows[3].enp"][0]);
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM dispensary_observations WHERE tenant_id = @t AND clinic_code = 'MO003'", ("t", tenant)));
    }

    [Fact]
    public async Task Representatives_find_a_person_by_name_in_any_case_and_date_of_birth_and_only_in_their_own_register()
    {
        var tenant = OmsFactory.Tenant("reg");
        var client = service.ClientFor(tenant);
        await LoadAsync(client, [
            new Person(Enp(1), "Сидоров Пётр Ильич", Born: "1950-02-03"), new Person(Enp(2), "Сидоров Пётр Ильич", Born: "1960-02-03"),
        ]);
        var rep = service.Staff(tenant, "oms-tier1");
        var found = (await rep.GetFromJsonAsync<InsuredPerson[]>("/insured?name=сидоров%20ПЁТР%20ильич&birthDate=1950-02-03"))!;
        Assert.Equal([Enp(1)], found.Select(p => p.Enp));
        Assert.Empty((await rep.GetFromJsonAsync<InsuredPerson[]>("/insured?name=Сидоров%20Пётр&birthDate=1950-02-03"))!);
        var errors = await ErrorsAsync(await rep.GetAsync("/insured?name=Сидоров&birthDate=03.02.1950"));
        Assert.Equal(["birthDate"], errors.Keys);
        Assert.Contains("name", (await ErrorsAsync(await rep.GetAsync("/insured?birthDate=1950-02-03"))).Keys);

        var other = service.Staff(OmsFactory.Tenant("other"), "oms-tier1");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/insured/{Enp(1)}")).StatusCode);
        Assert.Empty((await other.GetFromJsonAsync<InsuredPerson[]>("/insured?name=Сидоров%20Пётр%20Ильич&birthDate=1950-02-03"))!);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync($"/insured/{Enp(7)}")).StatusCode);
    }
}
