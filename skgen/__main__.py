"""Command line: ``skgen demo`` (also ``python -m skgen demo``)."""

import argparse
import sys


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def build_parser():
    parser = argparse.ArgumentParser(
        prog="skgen",
        description="scikit-learn compatible generative models on Keras 3.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="run the fraud workflow end to end and write an HTML report",
        description=(
            "Train skgen's three estimators on card transactions and write a "
            "self-contained HTML report: the autoencoder's latent space (t-SNE), "
            "reconstructions, fraud detection against IsolationForest, "
            "oversampling against SMOTE over several seeds, the quality of the "
            "generated frauds (skgen.metrics), and the digit pictures of the "
            "book chapter. Uses synthetic transactions (skgen.datasets."
            "make_transactions, calibrated to the real data's difficulty) "
            "unless --data is given."
        ),
    )
    demo.add_argument(
        "--data",
        metavar="CSV",
        help="path to the Kaggle creditcard.csv (default: synthetic transactions)",
    )
    demo.add_argument(
        "--out",
        metavar="DIR",
        default="skgen-report",
        help="folder for report.html (default: %(default)s)",
    )
    demo.add_argument(
        "--n-samples",
        type=_positive_int,
        default=50_000,
        help="synthetic transactions to generate (default: %(default)s); "
        "with --data, rows of genuine transactions to keep (all frauds are kept)",
    )
    demo.add_argument(
        "--epochs",
        type=_positive_int,
        default=30,
        help="training epochs of each network (default: %(default)s)",
    )
    demo.add_argument(
        "--seeds",
        type=_positive_int,
        default=3,
        help="seeds of each oversampler, for the spread of its scores "
        "(default: %(default)s)",
    )
    demo.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of every random step (default: %(default)s)",
    )
    demo.add_argument(
        "--quiet", action="store_true", help="print only where the report is"
    )
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "demo":
        parser.print_help()
        return 2
    from ._demo import run_demo

    try:
        report = run_demo(
            data=args.data,
            out=args.out,
            n_samples=args.n_samples,
            epochs=args.epochs,
            random_state=args.random_state,
            n_seeds=args.seeds,
            verbose=not args.quiet,
        )
    except (FileNotFoundError, ValueError) as exc:
        print(f"skgen demo: error: {exc}", file=sys.stderr)
        return 1
    print(f"Report written to {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
