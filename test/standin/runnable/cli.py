"""Stand-in for `python -m runnable.cli execute FILE.yaml` (retry only)."""
import sys


def main(argv):
    if len(argv) < 2 or argv[0] != "execute":
        raise SystemExit("runnable test stand-in: only `execute PIPELINE.yaml` is implemented")
    from runnable.context import get_pipeline_spec_from_yaml
    from runnable.retry import retry_pipeline

    args, config, params = argv[1:], "", ""
    for flag in ("--config", "-c", "--parameters", "-p"):
        if flag in args:
            i = args.index(flag)
            if flag in ("--config", "-c"):
                config = args[i + 1]
            else:
                params = args[i + 1]
            del args[i:i + 2]
    retry_pipeline(get_pipeline_spec_from_yaml(args[0]), "yaml", args[0], config, params)


if __name__ == "__main__":
    main(sys.argv[1:])
