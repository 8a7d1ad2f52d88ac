using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Redwood.Director.Contracts;
using Redwood.Director.Domain;
using Redwood.Director.Persistence;
using Redwood.SocketIO.Diagnostics;

namespace Redwood.Director.Features.Realms;

internal sealed class SignInRealmValidator : AbstractValidator<SignInRealm>
{
    public SignInRealmValidator()
    {
        RuleFor(r => r.RealmId).NotEmpty().WithMessage("RealmId is required");
        RuleFor(r => r.Name).NotEmpty().WithMessage("Name is required").MaximumLength(128);
        RuleFor(r => r.Uri).Must(DirectorSettings.IsRealmUri).WithMessage("Uri must be a ws:// or wss:// URI").MaximumLength(512);
    }
}

/// <summary>
/// Answers <see cref="SignInRealm"/>: a configured realm with the right secret gets its reported name and URI stored
/// (in the database, so they survive restarts and every Director replica lists them) and <see cref="RealmSignedIn"/>
/// is published. Anything else is refused and logged.
/// </summary>
internal sealed class SignInRealmHandler(
    DirectorDbContext db, DirectorSettings settings, IPublisher publisher, TimeProvider time, ILogger<SignInRealmHandler> logger)
    : IRequestHandler<SignInRealm, SignInRealmReply>
{
    public async ValueTask<SignInRealmReply> Handle(SignInRealm request, CancellationToken cancellationToken)
    {
        var configured = settings.Realms.FirstOrDefault(r => r.Id == request.RealmId);
        if (configured is null)
        {
            Log.RealmSignInRefused(logger, LogText.Clip(request.RealmId)!, SignInRealmError.UnknownRealm);
            return new SignInRealmReply(SignInRealmError.UnknownRealm);
        }

        if (!SecretToken.FixedTimeEquals(configured.Secret, request.Secret))
        {
            Log.RealmSignInRefused(logger, LogText.Clip(request.RealmId)!, SignInRealmError.WrongSecret);
            return new SignInRealmReply(SignInRealmError.WrongSecret);
        }

        var now = time.GetUtcNow().UtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            var row = await db.RealmSignIns.FirstOrDefaultAsync(r => r.RealmId == request.RealmId, cancellationToken);
            if (row is null)
            {
                db.RealmSignIns.Add(new RealmSignIn
                {
                    RealmId = request.RealmId, Name = request.Name, Uri = request.Uri, CreatedAt = now, UpdatedAt = now,
                });
            }
            else
            {
                row.Name = request.Name;
                row.Uri = request.Uri;
                row.UpdatedAt = now;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                break;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another replica inserted the row first; update it instead.
                db.ChangeTracker.Clear();
            }
        }

        Log.RealmSignedIn(logger, request.RealmId, request.Uri);
        await publisher.Publish(new RealmSignedIn(request.RealmId, request.Name, request.Uri), cancellationToken);
        return new SignInRealmReply(SignInRealmError.None);
    }
}
