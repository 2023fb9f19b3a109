using Platform.Tests;

namespace Platform.Cases.Tests;

public sealed class Every_Cases_endpoint(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public Task Names_who_may_call_it_and_refuses_every_other_role() => AccessMatrix.VerifyAsync(cases);
}

public sealed class Bad_input_to_any_Cases_operation(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public Task Gets_a_problem_and_never_a_5xx() => InputFuzz.VerifyAsync(cases);
}
