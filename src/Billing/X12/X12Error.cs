namespace Platform.Billing.X12;

/// <summary>
/// One problem found in an X12 file, located the way X12 acknowledgements do it: the segment id, the segment's 1-based
/// position (in the transaction set when <c>TransactionSet</c> names its ST02, in the file otherwise) and the element
/// (<c>CLM02</c>, <c>HI01-2</c> for a component), when one element is at fault.
/// </summary>
public sealed record X12Error(string SegmentId, int Position, string? Element, string Message, string? TransactionSet = null)
{
    public override string ToString() => $"{Element ?? SegmentId} (segment {Position}): {Message}";
}

/// <summary>Thrown by the writers when the records cannot make a valid file (a missing NPI, an unbalanced adjudication).</summary>
public sealed class X12WriteException(IReadOnlyList<string> problems)
    : Exception(string.Join(" ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
