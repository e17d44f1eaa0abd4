"""Renders a Milvus 2.3.5 standalone configuration with the PyPI `milvus` package's own template.

scripts/rig runs the server binary itself (so that it owns the process and its environment); this
helper only writes DATA/configs/milvus.yaml and glog.conf, or extracts the server binaries.

usage: python milvus_config.py render DATA_DIR name=value... [--extra key.path=value...]
       python milvus_config.py extract BIN_HOME
"""
import sys

import milvus


def render(data_dir, args):
    config = milvus.MilvusServerConfig(data_dir=data_dir)
    extra = False
    for arg in args:
        if arg == '--extra':
            extra = True
            continue
        key, value = arg.split('=', 1)
        if extra:
            config.set(key, value)
            extra = False
        else:
            # template placeholders (ports): explicit values make resolve() fail if the port is taken
            config.update(**{key: int(value)})
    config.resolve()


def main():
    command, target = sys.argv[1], sys.argv[2]
    if command == 'render':
        render(target, sys.argv[3:])
    elif command == 'extract':
        milvus._initialize_data_files(target)
    else:
        sys.exit(f'unknown command {command}')


if __name__ == '__main__':
    main()
