using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Redwood.Realm.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FractionalEmptyShardMinutes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<double>(
                name: "NumMinutesToDestroyEmptyShard",
                table: "game_server_proxies",
                type: "double precision",
                nullable: false,
                oldClrType: typeof(int),
                oldType: "integer");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<int>(
                name: "NumMinutesToDestroyEmptyShard",
                table: "game_server_proxies",
                type: "integer",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "double precision");
        }
    }
}
