using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace Redwood.SharedKernel.Messaging;

/// <summary>Registers a module's message validators for <see cref="ValidationBehavior{TMessage, TResponse}"/>.</summary>
public static class ModuleValidators
{
    /// <summary>
    /// Every validator in the module's assembly, as a singleton: validators hold only rules built from settings, and
    /// building the rule expressions on every request was a measurable part of each request's cost.
    /// <paramref name="filter"/> leaves out validators that are parts of others rather than validators of a message.
    /// </summary>
    public static IServiceCollection AddModuleValidators<TModule>(
        this IServiceCollection services, Func<AssemblyScanner.AssemblyScanResult, bool>? filter = null) =>
        services.AddValidatorsFromAssemblyContaining<TModule>(ServiceLifetime.Singleton, filter, includeInternalTypes: true);
}
