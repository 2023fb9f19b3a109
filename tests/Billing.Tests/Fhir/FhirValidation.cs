namespace Platform.Billing.Tests.Fhir;

/// <summary>The test classes that validate FHIR resources, sharing one validator.</summary>
[CollectionDefinition(Name)]
public sealed class FhirValidation : ICollectionFixture<FhirValidator>
{
    public const string Name = "FHIR validation";
}
