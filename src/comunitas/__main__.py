from comunitas.cli import main

main()
