using System.Diagnostics;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Platform.Billing.Tests.Fhir;

/// <summary>
/// Firely's validator against the core R4 profiles, read from the specification.zip the Hl7.Fhir.Specification.Data.R4
/// package copies next to the tests. Building it and its first validation (which compiles the profiles) take seconds,
/// so test classes share one.
/// </summary>
public sealed class FhirValidator
{
    private readonly Validator _validator;

    public FhirValidator()
    {
        var clock = Stopwatch.StartNew();
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        _validator = new Validator(resolver, LocalTerminologyService.CreateDefaultForCore(resolver));
        _validator.Validate(new Basic { Code = new CodeableConcept("urn:platform:test", "warm-up") });
        StartUp = clock.Elapsed;
    }

    /// <summary>How long creating the validator and its first validation took.</summary>
    public TimeSpan StartUp { get; }

    public OperationOutcome Validate(Resource resource) => _validator.Validate(resource);

    /// <summary>The errors and fatal issues, each as its location and message.</summary>
    public IReadOnlyList<string> Errors(Resource resource) => Validate(resource).Issue
        .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
        .Select(Describe)
        .ToList();

    public static string Describe(OperationOutcome.IssueComponent issue) =>
        $"{issue.Severity} at {string.Join(", ", issue.Expression)}: {issue.Details?.Text ?? issue.Diagnostics}";
}
