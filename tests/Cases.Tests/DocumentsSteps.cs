using System.Net.Http.Headers;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.Cases.Tests;

/// <summary>Steps shared by the documents, coverage and webhook tests, on any Cases host.</summary>
internal static class CaseOpening
{
    /// <summary>Publishes the appeal as Intake would, waits until its case is filed, and returns the case.</summary>
    public static async Task<(Guid Id, string Number)> OpenAsync(ServiceFactory<Program> cases, AppealRegistered appeal)
    {
        await cases.Services.GetRequiredService<IBus>().Publish(appeal, ctx => ctx.MessageId = Guid.NewGuid());
        (Guid, string)? found = null;
        await Eventually.True(async () =>
        {
            await using var connection = new NpgsqlConnection(cases.ConnectionString);
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT c.id, c.number FROM cases c JOIN case_appeals a ON a.case_id = c.id WHERE a.appeal_id = @id", connection);
            cmd.Parameters.AddWithValue("id", appeal.AppealId);
            await using var r = await cmd.ExecuteReaderAsync();
            if (await r.ReadAsync()) found = (r.GetGuid(0), r.GetString(1));
            return found is not null;
        }, TimeSpan.FromSeconds(15), $"the appeal about {appeal.Insured.FullName} is filed");
        return found!.Value;
    }

    /// <summary>Publishes <paramref name="message"/> as the service that owns it would, and waits until Cases has handled it.</summary>
    public static async Task PublishAndWaitAsync<T>(ServiceFactory<Program> cases, T message, Guid? messageId = null) where T : class
    {
        var id = messageId ?? Guid.NewGuid();
        await cases.Services.GetRequiredService<IBus>().Publish(message, ctx => ctx.MessageId = id);
        await Eventually.True(async () => await cases.CountAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @id", ("id", id)) >= 1,
            TimeSpan.FromSeconds(15), $"{typeof(T).Name} {id} is handled");
    }

    public static async Task<string> ScalarAsync(ServiceFactory<Program> cases, string sql, params (string Name, object Value)[] args)
    {
        await using var connection = new NpgsqlConnection(cases.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        return (await cmd.ExecuteScalarAsync())?.ToString() ?? "";
    }
}

/// <summary>Small files of each accepted format, as their first bytes make them.</summary>
internal static class SampleFiles
{
    public static byte[] Pdf(string text = "passport scan") =>
        System.Text.Encoding.ASCII.GetBytes($"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n%%EOF\n");

    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46, 0, 1, 9, 9];
    public static readonly byte[] Tiff = [0x49, 0x49, 0x2A, 0, 8, 0, 0, 0, 7, 7];
    public static readonly byte[] Heic = [0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63, 0, 0, 0, 0, 0x6D, 0x69, 0x66, 0x31];
    public static readonly byte[] Executable = [0x4D, 0x5A, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0];

    public static MultipartFormDataContent Form(byte[] content, string contentType, string? type, string fileName = "scan.pdf")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(file, "file", fileName);
        if (type is not null) form.Add(new StringContent(type), "type");
        return form;
    }
}
