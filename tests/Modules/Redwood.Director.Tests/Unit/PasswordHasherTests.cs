using Redwood.Director.Domain;

namespace Redwood.Director.Tests.Unit;

public sealed class PasswordHasherTests
{
    private static AuthSettings Settings(int iterations = 1000, int length = 64, int concurrency = 2) =>
        new(iterations, length, concurrency, 3, 32, "_.-", 8, 128, false, false, TimeSpan.FromDays(30), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1),
            10, 50, TimeSpan.FromMinutes(5), ["local"], new JwtSettings(null, "sub", null, null));

    [Fact]
    public async Task Verifies_the_right_password_and_refuses_a_wrong_one()
    {
        using var hasher = new PasswordHasher(Settings());
        var hash = await hasher.HashAsync("correct horse", CancellationToken.None);

        Assert.Equal(PasswordCheck.Success, await hasher.VerifyAsync("correct horse", hash, CancellationToken.None));
        Assert.Equal(PasswordCheck.Failed, await hasher.VerifyAsync("correct hors", hash, CancellationToken.None));
        Assert.Equal(PasswordCheck.Failed, await hasher.VerifyAsync("Correct horse", hash, CancellationToken.None));
    }

    [Fact]
    public async Task Stores_the_parameters_with_a_random_salt()
    {
        using var hasher = new PasswordHasher(Settings(iterations: 1234, length: 32));
        var first = await hasher.HashAsync("same password", CancellationToken.None);
        var second = await hasher.HashAsync("same password", CancellationToken.None);

        Assert.NotEqual(first, second);
        Assert.True(PasswordHasher.TryDecode(first, out var iterations, out var salt, out var hash));
        Assert.StartsWith("pbkdf2-sha512$1234$", first);
        Assert.Equal(1234, iterations);
        Assert.Equal(16, salt.Length);
        Assert.Equal(32, hash.Length);
    }

    [Fact]
    public async Task Asks_for_a_rehash_when_the_iterations_or_the_length_were_raised()
    {
        using var weak = new PasswordHasher(Settings(iterations: 1000, length: 32));
        var hash = await weak.HashAsync("pw-12345678", CancellationToken.None);
        using var moreIterations = new PasswordHasher(Settings(iterations: 2000, length: 32));
        using var longer = new PasswordHasher(Settings(iterations: 1000, length: 64));

        Assert.Equal(PasswordCheck.SuccessRehashNeeded, await moreIterations.VerifyAsync("pw-12345678", hash, CancellationToken.None));
        Assert.Equal(PasswordCheck.SuccessRehashNeeded, await longer.VerifyAsync("pw-12345678", hash, CancellationToken.None));
        Assert.Equal(PasswordCheck.Failed, await moreIterations.VerifyAsync("wrong", hash, CancellationToken.None));
    }

    [Fact]
    public async Task Uses_the_documented_defaults()
    {
        Assert.Equal(210_000, AuthSettings.DefaultPbkdf2Iterations);
        Assert.Equal(64, AuthSettings.DefaultPbkdf2HashLength);
        using var hasher = new PasswordHasher(Settings(AuthSettings.DefaultPbkdf2Iterations, AuthSettings.DefaultPbkdf2HashLength));

        var hash = await hasher.HashAsync("pw-12345678", CancellationToken.None);

        Assert.StartsWith("pbkdf2-sha512$210000$", hash);
        Assert.Equal(PasswordCheck.Success, await hasher.VerifyAsync("pw-12345678", hash, CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("pbkdf2-sha512$abc$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1000$AAAA$AAAA")]
    [InlineData("pbkdf2-sha512$1000$not base64$AAAA")]
    [InlineData("pbkdf2-sha512$0$AAAA$AAAA")]
    public async Task Refuses_a_malformed_stored_hash(string stored)
    {
        using var hasher = new PasswordHasher(Settings());

        Assert.Equal(PasswordCheck.Failed, await hasher.VerifyAsync("anything", stored, CancellationToken.None));
    }

    [Fact]
    public async Task Runs_at_most_the_configured_number_of_hashes_at_once_and_all_complete()
    {
        using var hasher = new PasswordHasher(Settings(iterations: 20_000, concurrency: 1));

        var hashes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => hasher.HashAsync("pw" + i, CancellationToken.None))));

        Assert.Equal(8, hashes.Distinct().Count());
    }

    [Fact]
    public async Task A_cancelled_wait_for_a_hashing_slot_throws()
    {
        using var hasher = new PasswordHasher(Settings());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hasher.HashAsync("pw", cancelled.Token));
    }
}
