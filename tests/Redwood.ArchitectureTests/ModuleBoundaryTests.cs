using System.Reflection;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore.Migrations;
using NetArchTest.Rules;
using Redwood.Host;

namespace Redwood.ArchitectureTests;

public sealed class ModuleBoundaryTests
{
    public static TheoryData<string> Modules => new(ModuleCatalog.Known.Select(m => m.Name));

    public static TheoryData<string, string> ModulePairs
    {
        get
        {
            var pairs = new TheoryData<string, string>();
            foreach (var from in ModuleCatalog.Known)
            {
                foreach (var to in ModuleCatalog.Known.Where(m => m != from))
                {
                    pairs.Add(from.Name, to.Name);
                }
            }

            return pairs;
        }
    }

    [Theory]
    [MemberData(nameof(ModulePairs))]
    public void A_module_never_uses_another_modules_implementation(string from, string to)
    {
        var source = Module(from);
        var target = Module(to);

        // Full type names: NetArchTest matches by prefix, and "Redwood.Realm" would also catch "Redwood.Realm.Contracts".
        var forbidden = target.Implementation.GetTypes().Select(t => t.FullName!).Where(n => !n.Contains('<')).ToArray();
        var result = Types.InAssembly(source.Implementation).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, $"{from} uses {to} internals: {Failing(result)}");
        Assert.DoesNotContain(source.Implementation.GetReferencedAssemblies(), a => a.Name == target.Implementation.GetName().Name);
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Contracts_depend_only_on_the_base_library_and_mediator_abstractions(string module)
    {
        var contracts = Module(module).Contracts;
        var references = contracts.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        var allowed = references.Where(n => n is "Mediator" or "netstandard" or "mscorlib" || n.StartsWith("System", StringComparison.Ordinal));
        Assert.Equal(references.OrderBy(n => n), allowed.OrderBy(n => n));
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Contracts_are_public_sealed_records_of_messages(string module)
    {
        foreach (var type in Module(module).Contracts.GetTypes().Where(t => typeof(IMessage).IsAssignableFrom(t)))
        {
            Assert.True(type.IsPublic && type.IsSealed, $"{type.Name} must be public sealed");
            Assert.False(type.IsGenericType, $"{type.Name} must not be generic");
        }
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_internals_are_not_public(string module)
    {
        var info = Module(module);
        var leaked = info.Implementation.GetExportedTypes()
            .Where(t => t.Name != module + "Module")
            .Where(t => !typeof(Migration).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(leaked);
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Handlers_and_validators_are_sealed_and_suffixed(string module)
    {
        var types = Module(module).Implementation.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && !IsCompilerGenerated(t));
        foreach (var type in types)
        {
            if (Implements(type, typeof(IRequestHandler<,>)) || Implements(type, typeof(ICommandHandler<,>))
                || Implements(type, typeof(IQueryHandler<,>)) || Implements(type, typeof(INotificationHandler<>)))
            {
                Assert.True(type.IsSealed, $"{type.Name} must be sealed");
                Assert.EndsWith("Handler", type.Name);
            }

            if (typeof(IValidator).IsAssignableFrom(type))
            {
                Assert.True(type.IsSealed, $"{type.Name} must be sealed");
                Assert.EndsWith("Validator", type.Name);
            }
        }
    }

    [Fact]
    public void The_host_touches_modules_only_through_their_module_class()
    {
        var allowed = ModuleCatalog.Known.Select(m => m.Name + "Module").ToHashSet();
        var forbidden = ModuleCatalog.Known
            .SelectMany(m => m.Implementation.GetTypes())
            .Where(t => !allowed.Contains(t.Name))
            .Select(t => t.FullName!)
            .Where(n => !n.Contains('<'))
            .ToArray();

        var result = Types.InAssembly(typeof(ModuleCatalog).Assembly)
            .That().DoNotResideInNamespace("Mediator")
            .ShouldNot().HaveDependencyOnAny(forbidden)
            .GetResult();

        Assert.True(result.IsSuccessful, $"Host uses module internals: {Failing(result)}");
    }

    private static ModuleDefinition Module(string name) => ModuleCatalog.Known.Single(m => m.Name == name);

    private static bool Implements(Type type, Type generic) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);

    private static bool IsCompilerGenerated(Type type) =>
        type.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is not null || type.Name.Contains('<');

    private static string Failing(TestResult result) => string.Join(", ", result.FailingTypeNames ?? []);
}
