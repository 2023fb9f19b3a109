using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Hosting;
using Platform.Tests;

namespace Platform.Cases.Tests;

public sealed class A_null_list_element
{
    private sealed record Leaf(IReadOnlyList<string> Names, List<List<string?>>? Grid);
    private sealed record Branch(string? Label, Leaf[] Leaves);
    private sealed record Root(Branch? Outer, IReadOnlyList<int?>? Numbers, Dictionary<string, string?>? Tags);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver().WithAddedModifier(NoNullElements.Modify),
    };

    [Theory]
    [InlineData("""{"numbers":[1,null]}""", "$", "numbers[1]")]
    [InlineData("""{"outer":{"leaves":[null]}}""", "$.outer", "leaves[0]")]
    [InlineData("""{"outer":{"leaves":[{"names":["a"]},{"names":["b",null]}]}}""", "$.outer.leaves[1]", "names[1]")]
    [InlineData("""{"outer":{"leaves":[{"names":[],"grid":[["a"],["b",null]]}]}}""", "$.outer.leaves[0]", "grid[1][1]")]
    public void Is_refused_with_the_path_of_the_element(string json, string holder, string element)
    {
        var refused = Assert.Throws<NoNullElements.NullElementException>(() => JsonSerializer.Deserialize<Root>(json, Options));
        Assert.Equal(holder, refused.Path);
        Assert.Equal(element, refused.Element);
    }

    [Fact]
    public void Is_not_confused_with_null_lists_or_dictionary_values()
    {
        var root = JsonSerializer.Deserialize<Root>("""{"outer":{"label":null,"leaves":[]},"numbers":null,"tags":{"a":null}}""", Options)!;
        Assert.Empty(root.Outer!.Leaves);
        Assert.Null(root.Numbers);
        Assert.Null(root.Tags!["a"]);
    }
}

public sealed class A_settlement_plan_with_a_null_step(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Gets_a_problem_naming_the_step()
    {
        var number = await Opened.CaseAsync(cases, CasesFactory.Appeal("null-steps", "Null Steps"));
        var client = cases.ClientFor("null-steps");

        var response = await client.PutAsync($"/cases/{number}/settlement-plan", new StringContent(
            """{"kind":"outpatient","steps":[{"title":"Visit","owner":"clinic"},null]}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemTypes.Validation, problem.GetProperty("type").GetString());
        Assert.Equal(NoNullElements.Rule, problem.GetProperty("errors").GetProperty("steps[1]")[0].GetString());
        var plan = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/settlement-plan");
        Assert.Equal("not-set", plan.GetProperty("state").GetString());
    }
}
