using System.Collections;
using Redwood.Testing;

namespace Redwood.Director.Tests;

/// <summary>Runs a socket scenario against SQLite and against PostgreSQL.</summary>
public sealed class BothDatabases : IEnumerable<object[]>
{
    public IEnumerator<object[]> GetEnumerator()
    {
        yield return [TestDatabase.Sqlite];
        yield return [TestDatabase.Postgres];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
