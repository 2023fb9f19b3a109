using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Cases.CaseFiles;

namespace Platform.Cases.Tasks;

public static class TasksApi
{
    /// <summary>Tasks of a case, completing tasks, the supervisors' overdue list, control-call settings and figures.</summary>
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var ofCase = app.MapGroup("/cases/{numberOrId}/tasks").WithTags("Tasks");
        ofCase.MapGet("/", ListAsync).RequireAccess(Access.ReadCases).WithSummary("The case's open tasks and those closed in the last 7 days");
        ofCase.MapPost("/", CreateAsync).RequireAccess(Access.WorkCases).WithSummary("Sets a task by hand: a callback, control call, document chase or other");

        var tasks = app.MapGroup("/tasks").WithTags("Tasks");
        tasks.MapGet("/overdue", OverdueAsync).RequireAccess(Access.Supervise).WithSummary("The tenant's open tasks past due, longest overdue first (for supervisors)");
        tasks.MapGet("/{id:guid}", GetAsync).RequireAccess(Access.ReadCases).WithSummary("Reads a task");
        tasks.MapPut("/{id:guid}/owner", ReassignAsync).RequireAccess(Access.Supervise)
            .WithSummary("A supervisor gives an open task to another person (their actor id), with an optional reason; on the case's timeline");
        tasks.MapPost("/{id:guid}/complete", CompleteAsync).RequireAccess(Access.WorkCases).WithSummary("Completes a task: its result (how the call went; a control call must give one) and a note of what was done");

        app.MapControlCallSettingsApi();
        app.MapSupervisorFiguresApi();
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<TaskResponse>>, ProblemHttpResult>> ListAsync(
        string numberOrId, RequestIdentity identity, CaseStore cases, TaskStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId)
            return Problems.NotFound($"Case {numberOrId} was not found.");
        return TypedResults.Ok(await store.ListForCaseAsync(identity.TenantId, caseId, clock.GetUtcNow(), ct));
    }

    private static async Task<Results<Created<TaskResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        string numberOrId, CreateTaskRequest request, RequestIdentity identity, CaseStore cases, TaskStore store,
        NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var errors = new ValidationErrors();
        if (errors.Required("kind", request.Kind)) errors.OneOf("kind", request.Kind, TaskKinds.Manual);
        if (errors.Required("title", request.Title)) errors.MaxLength("title", request.Title, 200);
        // A task due in the past would be a breach the moment it is set; a promise is always about the future.
        if (errors.Required("dueAt", request.DueAt) && request.DueAt <= now)
            errors.Add("dueAt", "The due time must be in the future.");
        else if (request.DueAt > now.AddDays(366))
            errors.Add("dueAt", "The due time must be within a year.");
        errors.MaxLength("owner", request.Owner, 100);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId)
            return Problems.NotFound($"Case {numberOrId} was not found.");

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var id = (await CaseTasks.CreateAsync(transaction, identity.TenantId, caseId, request.Kind!, request.Title!.Trim(),
            request.DueAt!.Value.ToUniversalTime(), now, identity.ActorId,
            owner: string.IsNullOrWhiteSpace(request.Owner) ? null : request.Owner.Trim(), ct: ct))!.Value;
        await transaction.CommitAsync(ct);

        return TypedResults.Created($"/tasks/{id}", (await store.FindAsync(identity.TenantId, id, now, ct))!);
    }

    private static async Task<Results<Ok<IReadOnlyList<TaskResponse>>, ValidationProblem>> OverdueAsync(
        RequestIdentity identity, TaskStore store, TimeProvider clock, CancellationToken ct, int limit = 200)
    {
        if (limit is < 1 or > 1000) return Problems.Validation("limit", "The limit must be between 1 and 1000.");
        return TypedResults.Ok(await store.ListOverdueAsync(identity.TenantId, clock.GetUtcNow(), limit, ct));
    }

    private static async Task<Results<Ok<TaskResponse>, ProblemHttpResult>> GetAsync(
        Guid id, RequestIdentity identity, TaskStore store, TimeProvider clock, CancellationToken ct) =>
        await store.FindAsync(identity.TenantId, id, clock.GetUtcNow(), ct) is { } task
            ? TypedResults.Ok(task)
            : Problems.NotFound($"Task {id} was not found.");

    private static async Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> ReassignAsync(
        Guid id, ReassignTaskRequest request, RequestIdentity identity, TaskStore store, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (errors.Required("owner", request.Owner)) errors.MaxLength("owner", request.Owner!.Trim(), 100);
        errors.MaxLength("reason", request.Reason, 500);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        var now = clock.GetUtcNow();
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        return await store.ReassignAsync(identity.TenantId, id, request.Owner!.Trim(), reason, identity.ActorId, now, ct) switch
        {
            ReassignmentOutcome.NotFound => Problems.NotFound($"Task {id} was not found."),
            ReassignmentOutcome.NotOpen => Problems.Conflict($"Task {id} is already done or cancelled; only an open task can be reassigned."),
            _ => TypedResults.Ok((await store.FindAsync(identity.TenantId, id, now, ct))!),
        };
    }

    private static async Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> CompleteAsync(
        Guid id, CompleteTaskRequest request, RequestIdentity identity, TaskStore store, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var note = request.Note ?? request.Outcome;
        if (errors.Required("note", note)) errors.MaxLength(request.Note is null ? "outcome" : "note", note, 2000);
        errors.OneOf("result", request.Result, CallResults.All);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        if (await store.PeekAsync(identity.TenantId, id, ct) is not { } task)
            return Problems.NotFound($"Task {id} was not found.");
        // The figures count control calls made, so each one says whether the patient or relative was reached.
        if (task.Kind == TaskKinds.ControlCall && request.Result is null)
            return Problems.Validation("result", $"A control call records its result: one of {string.Join(", ", CallResults.All)}.");

        var now = clock.GetUtcNow();
        return await store.CompleteAsync(identity.TenantId, id, note!.Trim(), request.Result, identity.ActorId, now, ct) switch
        {
            CompletionOutcome.NotFound => Problems.NotFound($"Task {id} was not found."),
            CompletionOutcome.NotOpen => Problems.Conflict($"Task {id} is already done or cancelled; only an open task can be completed."),
            _ => TypedResults.Ok((await store.FindAsync(identity.TenantId, id, now, ct))!),
        };
    }
}
