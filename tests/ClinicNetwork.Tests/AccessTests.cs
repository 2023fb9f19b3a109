using Platform.Tests;

namespace Platform.ClinicNetwork.Tests;

public sealed class Every_clinic_network_endpoint(ClinicsFactory clinics) : IClassFixture<ClinicsFactory>
{
    [Fact]
    public Task Names_who_may_call_it_and_refuses_every_other_role() => AccessMatrix.VerifyAsync(clinics);
}

public sealed class Bad_input_to_any_clinic_network_operation(ClinicsFactory clinics) : IClassFixture<ClinicsFactory>
{
    [Fact]
    public Task Gets_a_problem_and_never_a_5xx() => InputFuzz.VerifyAsync(clinics);
}

public sealed class A_clinic(ClinicsFactory clinics) : IClassFixture<ClinicsFactory>
{
    [Fact]
    public async Task That_is_not_in_the_tenants_network_is_a_404_problem()
    {
        var response = await clinics.ClientFor("clinics-none").GetAsync("/clinics/ORL-001");

        await ProblemAssert.IsProblemAsync(response, System.Net.HttpStatusCode.NotFound, Microsoft.Extensions.Hosting.ProblemTypes.NotFound);
    }
}
