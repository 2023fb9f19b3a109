using Platform.Tests;

namespace Platform.Intake.Tests;

public sealed class Every_Intake_endpoint(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public Task Names_who_may_call_it_and_refuses_every_other_role() => AccessMatrix.VerifyAsync(intake);
}
