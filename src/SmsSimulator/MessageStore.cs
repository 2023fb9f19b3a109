namespace Platform.SmsSimulator;

/// <summary>One SMS the simulator accepted, and what became of it.</summary>
public sealed class SimulatedSms
{
    /// <summary>The order it was accepted in (1, 2, ...): <c>GET /api/v1/messages?after=</c> pages by it.</summary>
    public required long Seq { get; init; }
    public required string Id { get; init; }
    public required string? Reference { get; init; }
    public required string To { get; init; }
    public required string? Sender { get; init; }
    public required string Text { get; init; }
    public required int Segments { get; init; }
    public required bool Unicode { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required string? CallbackUrl { get; init; }

    /// <summary>accepted, then delivered or undelivered once the network's outcome is known.</summary>
    public string Status { get; set; } = "accepted";

    public string? Error { get; set; }

    /// <summary>When the delivery report reached the callback (null while it has not).</summary>
    public DateTimeOffset? ReportedAt { get; set; }

    /// <summary>How many requests carried this message's reference (a resend with the same reference is not sent again).</summary>
    public int Submissions { get; set; } = 1;
}

/// <summary>
/// The messages accepted, in memory, the newest <c>capacity</c> kept (older ones are forgotten first). One message per
/// client reference: a request repeated after a lost answer gets the first one's id and sends nothing twice, as a
/// real gateway de-duplicates by the client's message id.
/// </summary>
public sealed class MessageStore(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Queue<SimulatedSms> _messages = new();
    private readonly Dictionary<string, SimulatedSms> _byReference = new(StringComparer.Ordinal);
    private long _seq;

    public int Count { get { lock (_lock) return _messages.Count; } }

    /// <summary>Keeps a new message, or returns the one already kept under the same reference (<c>Duplicate</c> true).</summary>
    public (SimulatedSms Sms, bool Duplicate) Add(Func<long, SimulatedSms> create, string? reference)
    {
        lock (_lock)
        {
            if (reference is not null && _byReference.TryGetValue(reference, out var existing))
            {
                existing.Submissions++;
                return (existing, true);
            }
            var sms = create(++_seq);
            _messages.Enqueue(sms);
            if (reference is not null) _byReference[reference] = sms;
            while (_messages.Count > capacity)
            {
                var old = _messages.Dequeue();
                if (old.Reference is not null && _byReference.TryGetValue(old.Reference, out var kept) && ReferenceEquals(kept, old))
                    _byReference.Remove(old.Reference);
            }
            return (sms, false);
        }
    }

    /// <summary>Messages accepted after <paramref name="after"/> (a <see cref="SimulatedSms.Seq"/>), to one number or all, oldest first.</summary>
    public IReadOnlyList<SimulatedSms> Find(string? to, long after, int limit)
    {
        lock (_lock)
            return _messages.Where(m => m.Seq > after && (to is null || m.To == to)).Take(limit).ToList();
    }

    public void Clear()
    {
        lock (_lock)
        {
            _messages.Clear();
            _byReference.Clear();
        }
    }

    /// <summary>Changes a message under the store's lock (the report sender records outcomes while readers list).</summary>
    public void Update(SimulatedSms sms, Action<SimulatedSms> change)
    {
        lock (_lock) change(sms);
    }
}
