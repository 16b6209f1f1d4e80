# tml as a Nix package, from a built checkout: `npm ci && node esbuild.mjs` makes dist/, whose
# cli.js bundles everything it runs (the sql.js wasm beside it), so the package is dist/ and Node.
#   pkgs.callPackage ./package.nix { dist = /opt/taskmaster-local/dist; }
{ lib, stdenvNoCC, makeWrapper, nodejs, dist }:

stdenvNoCC.mkDerivation {
  pname = "taskmaster-local";
  version = "0.1.0";
  src = dist;
  nativeBuildInputs = [ makeWrapper ];
  dontBuild = true;
  installPhase = ''
    runHook preInstall
    mkdir -p $out/lib/taskmaster-local $out/bin
    cp cli.js cliCommands.js sql-wasm.wasm $out/lib/taskmaster-local/
    makeWrapper ${lib.getExe nodejs} $out/bin/tml --add-flags $out/lib/taskmaster-local/cli.js
    runHook postInstall
  '';
  meta = {
    description = "Task Master plans over MCP and HTTP: the tml command line and plan server";
    license = lib.licenses.mit;
    mainProgram = "tml";
  };
}
