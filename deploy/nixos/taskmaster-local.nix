# NixOS module for `tml serve`: services.taskmaster-local. Import it in configuration.nix:
#   imports = [ /path/to/taskmaster-local/deploy/nixos/taskmaster-local.nix ];
# The README's "Deployment" section has a full example (plan server + nginx with TLS).
{ config, lib, utils, ... }:

let
  cfg = config.services.taskmaster-local;
  inherit (lib) mkEnableOption mkIf mkOption types;

  projectPaths = lib.mapAttrsToList (_name: path: toString path) cfg.projects;
  # toString, not "${path}": interpolating a path literal would copy the project into the store.
  projectArgs = lib.concatLists (lib.mapAttrsToList (name: path: [ "--project" "${name}=${toString path}" ]) cfg.projects);
  underHome = path: lib.hasPrefix "/home/" path || lib.hasPrefix "/root/" path;
  loopback = [ "127.0.0.1" "localhost" "::1" ];
in
{
  options.services.taskmaster-local = {
    enable = mkEnableOption "the Taskmaster Local plan server (tml serve)";

    package = mkOption {
      type = types.package;
      description = "A package with bin/tml, e.g. built by deploy/nixos/package.nix from this repository's dist/.";
      example = lib.literalExpression "pkgs.callPackage /opt/taskmaster-local/deploy/nixos/package.nix { dist = /opt/taskmaster-local/dist; }";
    };

    projects = mkOption {
      type = types.attrsOf types.path;
      default = { };
      example = { home-lab = "/srv/taskmaster-local/home-lab"; };
      description = ''
        Projects to serve, name = folder holding .taskmaster/tasks/tasks.json. Each becomes
        --project name=path, served at /mcp/<name> and /plans/<name>, and the only folders the
        service may write.
      '';
    };

    tokensFile = mkOption {
      type = types.str;
      default = "/var/lib/taskmaster-local/tokens.json";
      description = ''
        The bearer tokens file (hashes only), written by `tml token add <name> --scope read|write
        --tokens <file>` run as the service user. Re-read when it changes: no restart after a revoke.
      '';
    };

    host = mkOption {
      type = types.str;
      default = "127.0.0.1";
      description = "Address to listen on. Keep loopback behind a reverse proxy doing TLS.";
    };

    port = mkOption {
      type = types.port;
      default = 3001;
      description = "TCP port to listen on.";
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Open the port in the firewall (only useful with a non-loopback host).";
    };

    allowedHosts = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "taskmaster.home-lab" ];
      description = "Host names clients use (the reverse proxy's public name): each becomes --allowed-host.";
    };

    user = mkOption {
      type = types.str;
      default = "taskmaster-local";
      description = "User the server runs as; the default one is created. Its files are the ones it can write.";
    };

    group = mkOption {
      type = types.str;
      default = "taskmaster-local";
      description = "Group the server runs as; the default one is created.";
    };

    extraArgs = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "--rate-limit" "120" "--log-level" "debug" ];
      description = "More arguments for tml serve.";
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.projects != { };
        message = "services.taskmaster-local.projects is empty: name at least one project folder to serve.";
      }
    ];
    warnings = lib.optional (cfg.openFirewall && lib.elem cfg.host loopback)
      "services.taskmaster-local.openFirewall opens port ${toString cfg.port}, but the server listens on ${cfg.host} only; set host to a LAN address or leave the firewall closed.";

    users.users = mkIf (cfg.user == "taskmaster-local") {
      taskmaster-local = {
        isSystemUser = true;
        group = cfg.group;
        home = "/var/lib/taskmaster-local";
      };
    };
    users.groups = mkIf (cfg.group == "taskmaster-local") { taskmaster-local = { }; };

    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [ cfg.port ];

    systemd.services.taskmaster-local = {
      description = "Taskmaster Local plan server (tml serve)";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      serviceConfig = {
        Type = "exec";
        User = cfg.user;
        Group = cfg.group;
        ExecStart = utils.escapeSystemdExecArgs (
          [ "${cfg.package}/bin/tml" "serve" "--host" cfg.host "--port" (toString cfg.port) "--tokens" cfg.tokensFile ]
          ++ lib.concatMap (host: [ "--allowed-host" host ]) cfg.allowedHosts
          ++ projectArgs
          ++ cfg.extraArgs
        );
        StateDirectory = "taskmaster-local";
        StateDirectoryMode = "0700";
        # Quoted: a path with a space would otherwise be two entries; %% keeps % from being a specifier.
        ReadWritePaths = map (path: lib.replaceStrings [ "%" ] [ "%%" ] (builtins.toJSON path)) projectPaths;
        # The server drains writes in flight for at most 10 s after SIGTERM, then exits 0.
        KillSignal = "SIGTERM";
        TimeoutStopSec = "15s";
        Restart = "on-failure";
        RestartSec = "2s";
        # Exit 2 is a configuration error (a project without a plan): restarting cannot fix it.
        RestartPreventExitStatus = 2;

        NoNewPrivileges = true;
        ProtectSystem = "strict";
        ProtectHome = if lib.any underHome projectPaths then "read-only" else true;
        PrivateTmp = true;
        PrivateDevices = true;
        PrivateUsers = true;
        PrivateMounts = true;
        ProtectKernelTunables = true;
        ProtectKernelModules = true;
        ProtectKernelLogs = true;
        ProtectControlGroups = true;
        ProtectClock = true;
        ProtectHostname = true;
        ProtectProc = "invisible";
        ProcSubset = "pid";
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        RemoveIPC = true;
        LockPersonality = true;
        # Node's JIT writes executable memory: no MemoryDenyWriteExecute.
        RestrictAddressFamilies = [ "AF_INET" "AF_INET6" "AF_UNIX" ];
        CapabilityBoundingSet = "";
        AmbientCapabilities = "";
        DevicePolicy = "closed";
        SystemCallArchitectures = "native";
        SystemCallFilter = [ "@system-service" "~@privileged" ];
        SystemCallErrorNumber = "EPERM";
        UMask = "0027";
      };
    };
  };
}
