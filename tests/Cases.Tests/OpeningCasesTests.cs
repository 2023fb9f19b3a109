using Platform.Contracts;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Tests;

namespace Platform.Cases.Tests;

public sealed class An_appeal_registered_by_Intake(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Opens_a_case_readable_by_number_by_its_tenant()
    {
        var appeal = CasesFactory.Appeal("insurer-a");
        await cases.PublishAsync(appeal, Guid.NewGuid());

        var client = cases.ClientFor("insurer-a");
        JsonElement list = default;
        await Eventually.True(async () =>
        {
            list = await client.GetFromJsonAsync<JsonElement>($"/cases?appealId={appeal.AppealId}");
            return list.GetProperty("total").GetInt64() == 1;
        }, TimeSpan.FromSeconds(15), "the case is opened");

        var number = list.GetProperty("items")[0].GetProperty("number").GetString()!;
        Assert.Matches(@"^\d{4}-\d{6}$", number);
        var file = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}");
        Assert.Equal("open", file.GetProperty("status").GetString());
        Assert.Equal("Pyotr Ivanov", file.GetProperty("insured").GetProperty("fullName").GetString());
        Assert.Equal(appeal.AppealId, file.GetProperty("appeals")[0].GetProperty("appealId").GetGuid());
        // Cases tells Intake which case it opened, through its own outbox.
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.CaseOpened,%' AND body->>'appealId' = @id",
            ("id", appeal.AppealId.ToString())));

        // It opens with the appeal's callback promise as a task, nobody's yet (the case has no coordinator), and three
        // timeline entries, each counted once in the case's version and count.
        var timeline = (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline")).EnumerateArray().ToArray();
        Assert.Equal(["case-opened", "appeal", "task-created"], timeline.Select(e => e.GetProperty("kind").GetString()!).ToArray());
        Assert.Equal([1L, 2L, 3L], timeline.Select(e => e.GetProperty("id").GetInt64()).ToArray());
        var caseId = file.GetProperty("id").GetGuid();
        Assert.Equal(1 + 3, await cases.CountAsync("SELECT version FROM cases WHERE id = @id", ("id", caseId)));
        Assert.Equal(3, await cases.CountAsync("SELECT timeline_seq FROM cases WHERE id = @id", ("id", caseId)));
        var taskEntry = timeline[2].GetProperty("data");
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM case_tasks WHERE id = @task AND case_id = @case AND kind = 'callback' AND owner IS NULL AND status = 'open' AND dedup_key = @dedup",
            ("task", taskEntry.GetProperty("taskId").GetGuid()), ("case", caseId), ("dedup", $"callback:{appeal.AppealId}")));
        Assert.Equal(JsonValueKind.Null, taskEntry.GetProperty("owner").ValueKind);
    }

    [Fact]
    public async Task Delivered_twice_opens_one_case()
    {
        var appeal = CasesFactory.Appeal("insurer-redelivery");
        var messageId = Guid.NewGuid();
        await cases.PublishAsync(appeal, messageId);
        await cases.PublishAsync(appeal, messageId);
        var marker = CasesFactory.Appeal("insurer-redelivery", "Marker Person");
        await cases.PublishAsync(marker, Guid.NewGuid());

        await Eventually.True(async () => await cases.CountAsync(
            "SELECT count(*) FROM inbox_messages WHERE message_id = @id", ("id", messageId)) == 1 &&
            await cases.CountAsync("SELECT count(*) FROM case_appeals WHERE appeal_id = @id", ("id", marker.AppealId)) == 1,
            TimeSpan.FromSeconds(15), "both copies and the marker are handled");
        await Task.Delay(500);

        Assert.Equal(2, await cases.CountAsync("SELECT count(*) FROM cases WHERE tenant_id = 'insurer-redelivery'"));
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM case_appeals WHERE appeal_id = @id", ("id", appeal.AppealId)));
    }
}

public sealed class A_second_appeal_about_an_insured_with_an_open_case(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Joins_that_case_instead_of_opening_another()
    {
        var first = CasesFactory.Appeal("episode-tenant");
        // The daughter calls again; this time only the name and date of birth are given, no policy number.
        var second = CasesFactory.Appeal("episode-tenant") with
        {
            AppealId = Guid.CreateVersion7(),
            Insured = first.Insured with { PolicyNumber = null, FullName = "  PYOTR   ivanov " },
        };
        await cases.PublishAsync(first, Guid.NewGuid());
        await Eventually.True(async () => await cases.CountAsync("SELECT count(*) FROM cases WHERE tenant_id = 'episode-tenant'") == 1, TimeSpan.FromSeconds(15), "the first case opens");
        await cases.PublishAsync(second, Guid.NewGuid());

        await Eventually.True(async () => await cases.CountAsync("SELECT count(*) FROM case_appeals WHERE tenant_id = 'episode-tenant'") == 2, TimeSpan.FromSeconds(15), "the second appeal is filed");
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM cases WHERE tenant_id = 'episode-tenant'"));
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.AppealAttachedToCase,%' AND body->>'appealId' = @id",
            ("id", second.AppealId.ToString())));
        var number = (await cases.ClientFor("episode-tenant").GetFromJsonAsync<JsonElement>("/cases")).GetProperty("items")[0].GetProperty("number").GetString();
        var file = await cases.ClientFor("episode-tenant").GetFromJsonAsync<JsonElement>($"/cases/{number}");
        Assert.Equal(2, file.GetProperty("appeals").GetArrayLength());

        var timeline = await cases.ClientFor("episode-tenant").GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline");
        // Each appeal brings its callback promise as a task.
        Assert.Equal(new[] { "case-opened", "appeal", "task-created", "appeal", "task-created" },
            timeline.EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToArray());
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, timeline.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToArray());
        // Every entry counts once in the case's version and count, whether written with the new case (the first two)
        // or appended afterwards.
        Assert.Equal(1 + 5, await cases.CountAsync("SELECT version FROM cases WHERE tenant_id = 'episode-tenant'"));
        Assert.Equal(5, await cases.CountAsync("SELECT timeline_seq FROM cases WHERE tenant_id = 'episode-tenant'"));
        Assert.Equal(2, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE tenant_id = 'episode-tenant' AND kind = 'callback' AND status = 'open'"));
        Assert.Equal(HttpStatusCode.NotFound, (await cases.ClientFor("episode-other").GetAsync($"/cases/{number}/timeline")).StatusCode);
    }

    [Fact]
    public async Task Leaves_a_timeline_that_cannot_be_rewritten()
    {
        var appeal = CasesFactory.Appeal("timeline-tenant", "Timeline Person");
        await cases.PublishAsync(appeal, Guid.NewGuid());
        await Eventually.True(async () => await cases.CountAsync("SELECT count(*) FROM timeline_entries WHERE tenant_id = 'timeline-tenant'") == 3,
            TimeSpan.FromSeconds(15), "the case and its appeal are on the timeline");

        var rewrite = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            cases.CountAsync("WITH changed AS (UPDATE timeline_entries SET summary = 'edited' WHERE tenant_id = 'timeline-tenant' RETURNING 1) SELECT count(*) FROM changed"));
        Assert.Contains("never rewritten", rewrite.MessageText);
    }

    [Fact]
    public async Task Of_another_tenant_opens_a_case_of_its_own()
    {
        var mine = CasesFactory.Appeal("episode-a", "Anna Sidorova");
        var theirs = mine with { AppealId = Guid.CreateVersion7(), TenantId = "episode-b" };
        await cases.PublishAsync(mine, Guid.NewGuid());
        await cases.PublishAsync(theirs, Guid.NewGuid());

        await Eventually.True(async () => await cases.CountAsync("SELECT count(*) FROM case_appeals WHERE tenant_id IN ('episode-a', 'episode-b')") == 2,
            TimeSpan.FromSeconds(15), "both appeals are filed");
        Assert.Equal(2, await cases.CountAsync("SELECT count(*) FROM cases WHERE tenant_id IN ('episode-a', 'episode-b')"));
    }
}

public sealed class Case_numbers(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Are_unique_and_sequential_per_tenant()
    {
        var tenants = new[] { "numbers-a", "numbers-b" };
        foreach (var tenant in tenants)
            for (var i = 0; i < 3; i++)
                await cases.PublishAsync(CasesFactory.Appeal(tenant, $"Person {i}"), Guid.NewGuid());

        foreach (var tenant in tenants)
        {
            var client = cases.ClientFor(tenant);
            JsonElement list = default;
            await Eventually.True(async () =>
            {
                list = await client.GetFromJsonAsync<JsonElement>("/cases");
                // The page and its total are two statements: a case opened between them is counted but not listed yet.
                return list.GetProperty("total").GetInt64() == 3 && list.GetProperty("items").GetArrayLength() == 3;
            }, TimeSpan.FromSeconds(15), $"three cases of {tenant} are open");

            var numbers = list.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("number").GetString()!).Order().ToArray();
            var year = DateTime.UtcNow.Year;
            Assert.Equal([$"{year}-000001", $"{year}-000002", $"{year}-000003"], numbers);
        }
    }

    [Fact]
    public async Task Are_taken_side_by_side_and_a_failed_filing_leaves_its_number_unused()
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(cases.ConnectionString);
        var year = DateTime.UtcNow.Year;
        async Task<string> FileAsync(string name, Func<Task>? beforeCommit = null, bool commit = true)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var (_, number, opened) = await CaseFiles.CaseStore.FileAppealAsync(dataSource, transaction,
                CasesFactory.Appeal("numbers-side", name), DateTimeOffset.UtcNow, CancellationToken.None);
            Assert.True(opened);
            if (beforeCommit is not null) await beforeCommit();
            if (commit) await transaction.CommitAsync();
            else await transaction.RollbackAsync();
            return number;
        }

        // Ten filings of one tenant each hold their number in an open transaction until all ten have one: none waits
        // for another's commit to be numbered.
        const int filings = 10;
        var remaining = filings;
        var allNumbered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var numbers = await Task.WhenAll(Enumerable.Range(0, filings).Select(i => FileAsync($"Side By Side {i}", async () =>
        {
            if (Interlocked.Decrement(ref remaining) == 0) allNumbered.SetResult();
            await allNumbered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        })));
        Assert.Equal(Enumerable.Range(1, filings).Select(n => $"{year}-{n:D6}"), numbers.Order());

        // A filing that rolls back after taking its number leaves it unused; the next one does not reuse it.
        Assert.Equal($"{year}-{filings + 1:D6}", await FileAsync("Rolled Back", commit: false));
        Assert.Equal($"{year}-{filings + 2:D6}", await FileAsync("After The Rollback"));
        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM cases WHERE tenant_id = 'numbers-side' AND number = @n",
            ("n", $"{year}-{filings + 1:D6}")));
    }
}

public sealed class Another_tenants_case(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Is_not_found_by_number_id_or_list()
    {
        var appeal = CasesFactory.Appeal("owner-tenant");
        await cases.PublishAsync(appeal, Guid.NewGuid());
        var owner = cases.ClientFor("owner-tenant");
        JsonElement list = default;
        await Eventually.True(async () =>
        {
            list = await owner.GetFromJsonAsync<JsonElement>("/cases");
            return list.GetProperty("total").GetInt64() == 1;
        }, TimeSpan.FromSeconds(15), "the case is opened");
        var number = list.GetProperty("items")[0].GetProperty("number").GetString();
        var id = list.GetProperty("items")[0].GetProperty("id").GetGuid();

        var other = cases.ClientFor("other-tenant");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/cases/{number}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/cases/{id}")).StatusCode);
        var otherList = await other.GetFromJsonAsync<JsonElement>($"/cases?appealId={appeal.AppealId}");
        Assert.Equal(0, otherList.GetProperty("total").GetInt64());
    }
}

public sealed class Listing_cases(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Theory]
    [InlineData("status=lost", "status")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("page=0", "page")]
    public async Task With_bad_parameters_gets_a_problem_naming_them(string query, string field)
    {
        var response = await cases.ClientFor("insurer-a").GetAsync($"/cases?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Without_a_tenant_gets_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await cases.CreateClient().GetAsync("/cases")).StatusCode);
    }
}

public sealed class An_appeal_handled_from_the_intake_queue(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Completes_the_callback_promised_for_it_and_only_that_one()
    {
        var appeal = CasesFactory.Appeal("handled-tenant", "Handled Person");
        var other = CasesFactory.Appeal("handled-tenant", "Handled Person") with { AppealId = Guid.CreateVersion7() };
        await cases.PublishAsync(appeal, Guid.NewGuid());
        await cases.PublishAsync(other, Guid.NewGuid());
        await Eventually.True(async () => await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE tenant_id = 'handled-tenant' AND kind = 'callback'") == 2,
            TimeSpan.FromSeconds(15), "both callbacks are promised");

        // Another tenant claiming the appeal changes nothing; its own tenant's message completes the callback.
        await cases.PublishAsync(new AppealHandled(appeal.AppealId, "someone-else", "intruder", DateTimeOffset.UtcNow));
        await cases.PublishAsync(new AppealHandled(appeal.AppealId, "handled-tenant", "coordinator-anna", DateTimeOffset.UtcNow));

        await Eventually.True(async () => await cases.CountAsync(
                "SELECT count(*) FROM case_tasks WHERE dedup_key = @key AND status = 'done' AND completed_by = 'coordinator-anna'",
                ("key", $"callback:{appeal.AppealId}")) == 1,
            TimeSpan.FromSeconds(15), "the callback is completed");
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE dedup_key = @key AND status = 'open'", ("key", $"callback:{other.AppealId}")));
    }
}

public sealed class Two_concurrent_appeals_about_one_insured(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Open_one_case_even_when_the_names_are_written_differently()
    {
        // The same policy, the name as each caller gave it: the match joins them by the policy, so the lock must too.
        (string, string)[] spellings = [("Ivanov Ivan", "Иванов Иван"), ("Ivanov Ivan", "IVANOV IVAN"), ("Ivanov Ivan", "Ivanov Ivan Petrovich")];
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(cases.ConnectionString);
        const int pairs = 20;
        for (var i = 0; i < pairs; i++)
        {
            var (first, second) = spellings[i % spellings.Length];
            var bornOn = new DateOnly(1970, 1, 1).AddDays(i); // each pair a person of its own
            var one = CasesFactory.Appeal("race-tenant", first) with { Insured = new InsuredIdentity($"RACE-{i:D3}", first, bornOn) };
            var other = CasesFactory.Appeal("race-tenant", second) with { Insured = new InsuredIdentity($"RACE-{i:D3}", second, bornOn) };
            // Both transactions are open before either files its appeal, so neither can finish before the other starts.
            using var bothOpen = new Barrier(2);
            await Task.WhenAll(new[] { one, other }.Select(appeal => Task.Run(async () =>
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                bothOpen.SignalAndWait(TimeSpan.FromSeconds(10));
                await CaseFiles.CaseStore.FileAppealAsync(dataSource, transaction, appeal, DateTimeOffset.UtcNow, CancellationToken.None);
                await transaction.CommitAsync();
            })));
        }

        for (var i = 0; i < pairs; i++)
            Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM cases WHERE tenant_id = 'race-tenant' AND insured_policy_number = @p",
                ("p", $"RACE-{i:D3}")));
        Assert.Equal(2 * pairs, await cases.CountAsync("SELECT count(*) FROM case_appeals WHERE tenant_id = 'race-tenant'"));
    }
}
