using Mediator;
using Redwood.Host;

namespace Redwood.ArchitectureTests;

/// <summary>
/// <see cref="ModuleCatalog.Known"/> is the one list of modules. These tests fail when a module project is missing from
/// it, or when the generated mediator does not cover a module's messages (the host must reference every module).
/// </summary>
public sealed class ModuleCatalogTests
{
    [Fact]
    public void The_catalog_lists_every_module_project()
    {
        var modules = Path.Combine(RepositoryRoot(), "src", "Modules");
        var projects = Directory.GetFiles(modules, "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => !name!.EndsWith(".Contracts", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

        Assert.Equal(projects, ModuleCatalog.Known.Select(m => m.Implementation.GetName().Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Each_module_is_named_after_its_class_and_owns_its_contracts_project()
    {
        foreach (var module in ModuleCatalog.Known)
        {
            Assert.Equal(module.Name + "Module", module.ModuleType.Name);
            Assert.Equal("Redwood." + module.Name, module.Implementation.GetName().Name);
            Assert.Equal("Redwood." + module.Name + ".Contracts", module.Contracts.GetName().Name);
        }

        Assert.Equal(ModuleCatalog.Known.Count, ModuleCatalog.Known.Select(m => m.Name).Distinct().Count());
    }

    public static TheoryData<string, string> ModuleMessages
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var module in ModuleCatalog.Known)
            {
                foreach (var type in module.Implementation.GetTypes().Concat(module.Contracts.GetTypes()).Where(IsMessage))
                {
                    data.Add(module.Name, type.FullName!);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ModuleMessages))]
    public void The_generated_mediator_handles_every_module_message(string module, string message)
    {
        var definition = ModuleCatalog.Known.Single(m => m.Name == module);
        var type = definition.Implementation.GetType(message) ?? definition.Contracts.GetType(message)!;
        var mediator = typeof(ModuleCatalog).Assembly.GetType("Mediator.Mediator", throwOnError: true)!;

        var entryPoints = mediator
            .GetMethods(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
            .Where(m => m.Name is "Send" or "Publish" or "CreateStream")
            .Select(m => m.GetParameters().FirstOrDefault()?.ParameterType);

        Assert.True(
            entryPoints.Contains(type),
            $"The generated mediator has no Send/Publish for {message} of module {module}: the host must reference " +
            $"{definition.Implementation.GetName().Name} (and an AddMediator Assemblies list, if one is set, must include " +
            $"{type.Assembly.GetName().Name}).");
    }

    private static bool IsMessage(Type type) =>
        type is { IsAbstract: false, IsGenericTypeDefinition: false } && typeof(IMessage).IsAssignableFrom(type);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Redwood.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Redwood.sln not found above " + AppContext.BaseDirectory);
    }
}
