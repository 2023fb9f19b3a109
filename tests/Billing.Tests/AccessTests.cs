using Platform.Tests;

namespace Platform.Billing.Tests;

public sealed class Every_billing_endpoint(BillingFactory billing) : IClassFixture<BillingFactory>
{
    [Fact]
    public Task Names_who_may_call_it_and_refuses_every_other_role() => AccessMatrix.VerifyAsync(billing);
}

public sealed class Bad_input_to_any_billing_operation(BillingFactory billing) : IClassFixture<BillingFactory>
{
    [Fact]
    public Task Gets_a_problem_and_never_a_5xx() => InputFuzz.VerifyAsync(billing);
}
