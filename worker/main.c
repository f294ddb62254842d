/* Placeholder until the CLI lands; replaced by the loader/CLI work. */
int main(void)
{
    return 0;
}
