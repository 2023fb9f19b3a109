using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Coverage;

/// <summary>A revoked guarantee letter releases what it still reserved.</summary>
public sealed class GuaranteeLetterRevokedConsumer(NpgsqlDataSource dataSource, CoverageLedger ledger)
    : InboxConsumer<GuaranteeLetterRevoked>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<GuaranteeLetterRevoked> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        return ledger.ApplyAsync(transaction, new CoverageLedger.Fact(m.TenantId, m.CaseId,
            new CoverageEntry(0, CoverageEntryKinds.LetterRevoked, m.LetterId, null, null, null, null, m.RevokedAt),
            "guarantee-letter-revoked",
            "Guarantee letter revoked: its reservation is released",
            new { m.LetterId }), context.CancellationToken);
    }
}
