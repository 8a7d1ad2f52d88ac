namespace Redwood.Realm.Tests.Support;

/// <summary>Unique character names, so tests sharing a host never collide.</summary>
public static class Names
{
    public static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];
}
