#!/usr/bin/env bash
# Regenerates the EF Core compiled model the SQLite store runs on (MetadataStore: UseModel), after a change to the entities
# or to MetadataDbContext.OnModelCreating. CompiledModelTests (tests/Pipelines.IntegrationTests/Metadata) fails until it is run.
# The design-time project lives in a temporary folder, so the build never references Microsoft.EntityFrameworkCore.Design.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
metadata="$(cd "$here/.." && pwd)/Pipelines.Metadata.csproj"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ef_version="$(sed -n 's/.*PackageVersion Include="Microsoft.EntityFrameworkCore" Version="\([^"]*\)".*/\1/p' "$here/../../../Directory.Packages.props")"

dotnet tool install dotnet-ef --version "$ef_version" --tool-path "$work/tool" >/dev/null
mkdir -p "$work/design"
cat > "$work/design/design.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$metadata" />
    <PackageReference Include="Microsoft.EntityFrameworkCore.Design" Version="$ef_version" />
  </ItemGroup>
</Project>
XML
cat > "$work/design/Program.cs" <<'CS'
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Pipelines.Metadata;

System.Console.WriteLine("design-time only");

/// <summary>The SQLite provider's model: the compiled model is provider-specific, and only the SQLite store uses it.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<MetadataDbContext>
{
    public MetadataDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<MetadataDbContext>().UseSqlite("Data Source=design.db").Options);
}
CS

# Built without the compiled model (the environment variable is an MSBuild property; see Pipelines.Metadata.csproj). The
# next ordinary build compiles Pipelines.Metadata again with it.
export PipelinesDesignTime=true
dotnet restore "$work/design/design.csproj" -v quiet >/dev/null
"$work/tool/dotnet-ef" dbcontext optimize --project "$metadata" --startup-project "$work/design/design.csproj" \
  --context MetadataDbContext --output-dir "$work/out" --namespace Pipelines.Metadata.CompiledModels
# The assembly attribute would make EF use this SQLite model for every provider; MetadataStore opts in for SQLite only.
rm -f "$work/out/MetadataDbContextAssemblyAttributes.cs"
find "$here" -name '*.cs' -delete
cp "$work/out"/*.cs "$here/"
echo "Regenerated $(ls "$here"/*.cs | wc -l) files in $here."
