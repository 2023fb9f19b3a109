using System.Buffers;
using System.Text.Json;

namespace Platform.ClinicNetwork.Register;

/// <summary>
/// Reads a JSON batch, either an array of items or <c>{ "clinics": [...] }</c>, one item at a time from the request
/// stream: only the item being read is in memory, whatever the size of the file. Errors are keyed <c>clinics[3].name</c>
/// (index from 0). The same streaming reader as Intake's policy registers, with the item type and the name of the list
/// as parameters; it is not shared through ServiceDefaults yet because Intake's would have to move with it.
/// </summary>
internal sealed class JsonBatchReader<T>(JsonSerializerOptions options, string listName) where T : class
{
    private const int MaxItemBytes = 1024 * 1024;

    private enum Phase { Start, InEnvelope, InArray, Done }

    private JsonReaderState _state;
    private Phase _phase = Phase.Start;
    private bool _envelope;
    private bool _sawList;
    private bool _stop;
    private int _index;

    /// <summary>Hands each item (with its key) to <paramref name="item"/>; reports what cannot be read to <paramref name="reject"/>.
    /// Stops when <paramref name="stop"/> says so.</summary>
    public async Task ReadAsync(Stream body, Func<string, T, CancellationToken, Task> item, Action<string, string> reject, Func<bool> stop,
        CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var filled = 0;
        var parsed = new List<(int Index, T? Item, string? Field, string? Error)>();
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= MaxItemBytes)
                    {
                        reject($"{listName}[{_index}]", $"A single entry must not be larger than {MaxItemBytes / 1024} KiB.");
                        return;
                    }
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(filled), ct);
                filled += read;
                var final = read == 0;

                parsed.Clear();
                int consumed;
                try
                {
                    consumed = Scan(buffer.AsSpan(0, filled), final, parsed);
                }
                catch (JsonException ex)
                {
                    reject(_phase == Phase.InArray ? $"{listName}[{_index}]" : "body", $"The JSON is malformed here: {ex.Message}");
                    return;
                }

                foreach (var (index, input, field, error) in parsed)
                {
                    if (error is not null) reject(field!, error);
                    else await item($"{listName}[{index}]", input!, ct);
                    if (stop()) return;
                }
                if (_stop) return;

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (final)
                {
                    if (_phase == Phase.Start) reject("body", $"The body is empty: send an array of {listName} or {{ \"{listName}\": [...] }}.");
                    else if (_phase != Phase.Done) reject("body", "The JSON ends too early.");
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private int Scan(ReadOnlySpan<byte> data, bool final, List<(int Index, T? Item, string? Field, string? Error)> parsed)
    {
        var reader = new Utf8JsonReader(data, final, _state);
        while (true)
        {
            var checkpoint = reader;
            if (!reader.Read()) break;

            switch (_phase)
            {
                case Phase.Start when reader.TokenType == JsonTokenType.StartArray:
                    _phase = Phase.InArray;
                    break;
                case Phase.Start when reader.TokenType == JsonTokenType.StartObject:
                    _phase = Phase.InEnvelope;
                    _envelope = true;
                    break;
                case Phase.Start:
                    parsed.Add((0, null, "body", $"Send an array of {listName} or {{ \"{listName}\": [...] }}."));
                    _stop = true;
                    return data.Length;

                case Phase.InEnvelope when reader.TokenType == JsonTokenType.EndObject:
                    if (!_sawList) parsed.Add((0, null, listName, "The field is required."));
                    _phase = Phase.Done;
                    break;
                case Phase.InEnvelope:
                    var isList = string.Equals(reader.GetString(), listName, StringComparison.OrdinalIgnoreCase);
                    if (!reader.Read() || (!isList && !reader.TrySkip())) { reader = checkpoint; goto done; }
                    if (!isList) break;
                    _sawList = true;
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        parsed.Add((0, null, listName, $"The field must be an array of {listName}."));
                        _stop = true;
                        return data.Length;
                    }
                    _phase = Phase.InArray;
                    break;

                case Phase.InArray when reader.TokenType == JsonTokenType.EndArray:
                    _phase = _envelope ? Phase.InEnvelope : Phase.Done;
                    break;
                case Phase.InArray:
                    var start = (int)reader.TokenStartIndex;
                    if (!reader.TrySkip()) { reader = checkpoint; goto done; }
                    var index = _index++;
                    if (reader.TokenType != JsonTokenType.EndObject)
                    {
                        parsed.Add((index, null, $"{listName}[{index}]", "Each entry must be a JSON object."));
                        break;
                    }
                    try
                    {
                        var value = JsonSerializer.Deserialize<T>(data[start..(int)reader.BytesConsumed], options);
                        parsed.Add((index, value, value is null ? $"{listName}[{index}]" : null, value is null ? "The entry is null." : null));
                    }
                    catch (NoNullElements.NullElementException ex)
                    {
                        var path = ex.Path is null or "$" ? "" : ex.Path.TrimStart('$');
                        parsed.Add((index, null, $"{listName}[{index}]{path}.{ex.Element}", NoNullElements.Rule));
                    }
                    catch (JsonException ex)
                    {
                        var path = ex.Path is null or "$" ? "" : ex.Path.TrimStart('$');
                        parsed.Add((index, null, $"{listName}[{index}]{path}",
                            "The value is malformed or of the wrong type (dates are YYYY-MM-DD, numbers are plain JSON numbers)."));
                    }
                    break;

                case Phase.Done:
                    break;
            }
        }
        done:
        _state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }
}
