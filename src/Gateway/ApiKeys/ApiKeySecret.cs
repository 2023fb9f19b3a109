using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Gateway.ApiKeys;

/// <summary>
/// Insurer API keys: <c>mak_</c> followed by 32 random bytes in base64url. The prefix makes a leaked key easy to
/// recognise (secret scanners, logs). 256 random bits need no slow hash: SHA-256 is enough to make the stored value useless.
/// </summary>
public static class ApiKeySecret
{
    public const string Prefix = "mak_";
    private const int SecretBytes = 32;
    private static readonly int Length = Prefix.Length + Base64Url.GetEncodedLength(SecretBytes);

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Cheap shape check so garbage never reaches the database.</summary>
    public static bool HasValidShape(string key) =>
        key.Length == Length && key.StartsWith(Prefix, StringComparison.Ordinal) && Base64Url.IsValid(key.AsSpan(Prefix.Length));
}
