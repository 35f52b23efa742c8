#!/usr/bin/env bash
# Installs the real Bicep CLI from NuGet (Azure.Bicep.CommandLine.linux-x64) into .tools/bicep
# with a throwaway project that uses <PackageDownload> and `dotnet restore`.
# Prints the path of the bicep binary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${BICEP_VERSION:-0.49.2}"
dest="$here/.tools/bicep"
pkg="azure.bicep.commandline.linux-x64"
binary="$dest/packages/$pkg/$version/tools/bicep"
if [[ -x "$binary" ]]; then
  echo "$binary"
  exit 0
fi
command -v dotnet >/dev/null || { echo "install-bicep: dotnet is required to restore the Bicep CLI from NuGet" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/restore.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net$(dotnet --version | cut -d. -f1,2)</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$version]" />
  </ItemGroup>
</Project>
XML
dotnet restore "$work/restore.csproj" --packages "$dest/packages" >&2
chmod +x "$binary"
"$binary" --version >&2
echo "$binary"
