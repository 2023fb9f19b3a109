namespace Platform.AppHost;

/// <summary>
/// Where a resource's output goes: the console with a padded, coloured "name | " prefix (run mode), or a file of its
/// own (test mode, so the test output stays readable). The last lines are kept for error messages either way.
/// </summary>
internal sealed class LogSink : IDisposable
{
    private const int TailLines = 40;
    private static readonly object ConsoleGate = new();
    private static readonly bool Colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    private static readonly string[] Palette = ["36", "33", "35", "32", "34", "96", "93", "95", "92", "94", "91"];
    private static int nextColour;

    /// <summary>Width of the name column: the longest resource name.</summary>
    public static int NameWidth { get; set; } = 8;

    /// <summary>AppHost's own messages, always on the console.</summary>
    public static LogSink AppHost { get; } = new("apphost", null, "1");

    private readonly Queue<string> tail = new();
    private readonly string colour;
    private StreamWriter? file;
    private bool closed;

    public LogSink(string name, string? filePath, string? colour = null)
    {
        Name = name;
        FilePath = filePath;
        this.colour = colour ?? Palette[Interlocked.Increment(ref nextColour) % Palette.Length];
    }

    public string Name { get; }
    public string? FilePath { get; }

    public void Write(string line)
    {
        lock (tail)
        {
            tail.Enqueue(line);
            if (tail.Count > TailLines) tail.Dequeue();
        }

        if (FilePath is not null)
        {
            lock (tail)
            {
                if (closed) return;
                if (file is null)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
                    file = new StreamWriter(new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
                }
                file.WriteLine(line);
            }
            return;
        }

        var prefix = Name.PadRight(NameWidth);
        lock (ConsoleGate)
        {
            Console.Out.WriteLine(Colour ? $"\e[{colour}m{prefix} |\e[0m {line}" : $"{prefix} | {line}");
        }
    }

    public bool HasOutput
    {
        get { lock (tail) return tail.Count > 0; }
    }

    public string Tail()
    {
        lock (tail) return string.Join('\n', tail.Select(l => "    " + l));
    }

    public void Dispose()
    {
        lock (tail)
        {
            closed = true;
            file?.Dispose();
        }
    }

    /// <summary>Writes straight to the console, unprefixed: the status table and the summary.</summary>
    public static void Plain(string text)
    {
        lock (ConsoleGate) Console.Out.WriteLine(text);
    }

    public static string Bold(string text) => Colour ? $"\e[1m{text}\e[0m" : text;
    public static string Red(string text) => Colour ? $"\e[31m{text}\e[0m" : text;
    public static string Green(string text) => Colour ? $"\e[32m{text}\e[0m" : text;
}
